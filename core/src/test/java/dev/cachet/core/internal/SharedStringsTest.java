package dev.cachet.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Stored responses share equal strings, never the values of fields that may carry secrets. */
class SharedStringsTest {
  /** Makes this test's strings unlike any other test's, as the table is shared by the JVM. */
  private static final String UNIQUE = Long.toHexString(System.nanoTime());

  @Test
  void anEqualStringSeenBefore_isReplacedByTheFirstInstance() {
    String first = "max-age=" + UNIQUE;
    String second = "max-age=" + UNIQUE;
    assertThat(SharedStrings.share(first)).isSameAs(first);
    assertThat(SharedStrings.share(second)).isSameAs(first).isEqualTo(second);
  }

  @Test
  void longStrings_areNotShared() {
    String first = UNIQUE + "x".repeat(65);
    String second = new String(first);
    SharedStrings.share(first);
    assertThat(SharedStrings.share(second)).isSameAs(second);
  }

  @Test
  void namesAndCommonValuesAreShared_privateValuesAreNot() {
    String[] a = {"Content-Type", "text/" + UNIQUE, "Set-Cookie", "a=" + UNIQUE};
    String[] b = {"Content-Type", "text/" + UNIQUE, "Set-Cookie", "a=" + UNIQUE};
    assertThat(b[1]).isNotSameAs(a[1]);
    SharedStrings.shareFields(a);
    SharedStrings.shareFields(b);
    assertThat(b[0]).isSameAs(a[0]);
    assertThat(b[1]).isSameAs(a[1]);
    assertThat(b[2]).isSameAs(a[2]);
    assertThat(b[3]).isNotSameAs(a[3]).isEqualTo(a[3]);
  }

  @Test
  void directivesOfAnEqualStoredLine_areOneInstance_andParseAsBefore() {
    String line = "max-age=60, MAX-AGE=30, no-cache, x-" + UNIQUE;
    Directives a = Directives.parse(List.of(line), true);
    Directives b = Directives.parse(List.of(new String(line)), true);
    assertThat(b).isSameAs(a);
    assertThat(a.has("no-cache")).isTrue();
    assertThat(a.isInvalidSeconds("max-age")).isTrue(); // F-04: repeated with another value
    assertThat(a.toString()).isEqualTo("Directives[max-age, no-cache, x-" + UNIQUE + "]");
    Directives request = Directives.parse(List.of(line));
    assertThat(request).isNotSameAs(a);
    assertThat(request.seconds("max-age")).isEmpty();
  }
}
