package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ranges a partial entry holds (RFC 9111 §3.4), and Content-Range values (RFC 9110 §14.4). */
class ByteRangeSetTest {

  @Test
  void P_05_overlappingAndAdjacentRangesJoin() {
    ByteRangeSet s = ByteRangeSet.empty().plus(20, 10).plus(0, 10).plus(10, 5).plus(40, 1);
    assertThat(s.toString()).isEqualTo("0-14,20-29,40-40");
    assertThat(s.plus(15, 5).toString()).isEqualTo("0-29,40-40");
    assertThat(s.bytes()).isEqualTo(26);
    assertThat(s.covers(20, 10)).isTrue();
    assertThat(s.covers(14, 7)).isFalse();
    assertThat(s.coversAll(41)).isFalse();
    assertThat(ByteRangeSet.empty().plus(0, 41).coversAll(41)).isTrue();
    assertThat(ByteRangeSet.of(s.ranges())).isEqualTo(s);
  }

  @Test
  void P_05_invalidRangesAreRefused() {
    assertThatThrownBy(() -> ByteRangeSet.empty().plus(-1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRangeSet.empty().plus(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteRangeSet.empty().plus(Long.MAX_VALUE, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Whatever order parts arrive in, the set holds exactly the bytes of the parts. */
  @Property
  void P_05_theSetHoldsExactlyTheBytesOfItsParts(
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 60) Integer> starts,
      @ForAll @IntRange(min = 1, max = 10) int length) {
    boolean[] bytes = new boolean[80];
    ByteRangeSet s = ByteRangeSet.empty();
    for (int start : starts) {
      s = s.plus(start, length);
      for (int i = start; i < start + length; i++) {
        bytes[i] = true;
      }
    }
    long count = 0;
    for (int i = 0; i < bytes.length; i++) {
      assertThat(s.covers(i, 1)).isEqualTo(bytes[i]);
      count += bytes[i] ? 1 : 0;
    }
    assertThat(s.bytes()).isEqualTo(count);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes 0-9/100     | 0  | 10 | 100",
        "BYTES 90-99/100   | 90 | 10 | 100",
        "'  bytes 5-5/6  ' | 5  | 1  | 6",
      })
  void P_04_contentRangeParses(String value, long offset, long length, long complete) {
    assertThat(ContentRange.parse(value)).contains(new ContentRange(offset, length, complete));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes 0-9/*",
        "bytes */100",
        "bytes 9-0/100",
        "bytes 0-100/100",
        "bytes 0-9",
        "items 0-9/100",
        "bytes=0-9/100",
        "bytes -1-9/100",
        "bytes 0-99999999999999999999999/100",
      })
  void P_04_aContentRangeThatNamesNoRangeOfAKnownWhole_isEmpty(String value) {
    assertThat(ContentRange.parse(value)).isEmpty();
  }

  @Property
  void P_04_contentRangeParsingIsTotal(@ForAll String value) {
    ContentRange.parse(value);
  }

  @Test
  void P_01_fieldValues() {
    assertThat(new ContentRange(90, 10, 100).fieldValue()).isEqualTo("bytes 90-99/100");
    assertThat(ContentRange.unsatisfiedFieldValue(100)).isEqualTo("bytes */100");
    assertThatThrownBy(() -> new ContentRange(95, 10, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void P_01_rangeParsingIsTotal(@ForAll String value, @ForAll @IntRange(min = 1) int length) {
    RangeRequests.parse(value, length);
  }
}
