package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Field lines (RFC 9110 §5). */
class HeadersTest {
  private final Headers h =
      Headers.of("Cache-Control", "max-age=60", "vary", "A", "Vary", "B, \"c,d\"");

  @Test
  void hopByHop_isRfc9110sConnectionSpecificFields_lowerCase() {
    assertThat(Headers.HOP_BY_HOP)
        .containsExactlyInAnyOrder(
            "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");
    assertThatThrownBy(() -> Headers.HOP_BY_HOP.add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void namesAreCaseInsensitiveAndOrderIsKept() {
    assertThat(h.allValues("VARY")).containsExactly("A", "B, \"c,d\"");
    assertThat(h.firstValue("cache-control")).contains("max-age=60");
    assertThat(h.names()).containsExactly("cache-control", "vary");
    assertThat(h.contains("Expires")).isFalse();
  }

  @Test
  void listValuesSplitOutsideQuotes() {
    assertThat(h.listValues("Vary")).containsExactly("A", "B", "\"c,d\"");
    assertThat(h.combinedValue("Vary")).contains("A, B, \"c,d\"");
  }

  @Test
  void withReplacesAllLinesAndWithoutRemoves() {
    Headers w = h.with("VARY", "X");
    assertThat(w.allValues("Vary")).containsExactly("X");
    assertThat(w.size()).isEqualTo(2);
    assertThat(h.without("vary").names()).containsExactly("cache-control");
    assertThat(h.without("nothing")).isSameAs(h);
    assertThat(h.without("Cache-Control", "Vary")).isEqualTo(Headers.empty());
  }

  @Test
  void fieldLinesByPosition() {
    assertThat(h.name(1)).isEqualTo("vary");
    assertThat(h.value(2)).isEqualTo("B, \"c,d\"");
    assertThatThrownBy(() -> h.name(3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> h.value(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void valuesAreImmutable() {
    Headers plus = h.plus("X", "1");
    assertThat(h.contains("X")).isFalse();
    assertThat(plus.contains("X")).isTrue();
  }

  @Test
  void fromMapAndBack() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("A", List.of("1", "2"));
    Headers fromMap = Headers.of(m);
    assertThat(fromMap.allValues("a")).containsExactly("1", "2");
    assertThat(fromMap.toMap().get("a")).containsExactly("1", "2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\rb", "a\nb"})
  void crOrLfInValue_isRejected(String value) {
    assertThatThrownBy(() -> Headers.of("X", value)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a:b", "\u00e9"})
  void invalidName_isRejected(String name) {
    assertThatThrownBy(() -> Headers.of(name, "v")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oddCount_isRejected() {
    assertThatThrownBy(() -> Headers.of("A")).isInstanceOf(IllegalArgumentException.class);
  }
}
