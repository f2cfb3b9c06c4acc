package dev.cachet.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * RP-01: the normaliser's shortcuts for the usual path (no escape, no segment starting with a dot)
 * agree with the step-by-step forms on every path, including those the shortcuts do not take.
 */
class TargetPropertiesTest {

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment =
        Arbitraries.of(
            "",
            "a",
            "b",
            ".",
            "..",
            ".a",
            "a.",
            "...",
            "%2e",
            "%2E%2e",
            "%7e",
            "%3f",
            "%2",
            "~",
            "a b",
            "x%",
            ".well-known");
    return segment.list().ofMaxSize(6).map(s -> "/" + String.join("/", s));
  }

  @Property(tries = 2000)
  void RP_01_dotSegmentShortcut_agreesWithTheFullRemoval(@ForAll("paths") String path) {
    assertThat(Target.removeDotSegments(path)).isEqualTo(Target.removeFrom(path));
  }

  @Property(tries = 2000)
  void RP_01_escapeShortcut_agreesWithTheFullDecoding(@ForAll("paths") String path) {
    Throwable full = catchThrowable(() -> Target.decodeFrom(path));
    Throwable shortcut = catchThrowable(() -> Target.decodeUnreserved(path));
    if (full == null) {
      assertThat(shortcut).isNull();
      assertThat(call(path)).isEqualTo(callFull(path));
    } else {
      assertThat(shortcut).isInstanceOf(Target.Invalid.class).hasMessage(full.getMessage());
    }
  }

  private static String call(String path) {
    try {
      return Target.decodeUnreserved(path);
    } catch (Target.Invalid e) {
      throw new AssertionError(e);
    }
  }

  private static String callFull(String path) {
    try {
      return Target.decodeFrom(path);
    } catch (Target.Invalid e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 200)
  void RP_01_theUsualPath_isReturnedAsItIs(@ForAll("plainSegments") List<String> segments)
      throws Target.Invalid {
    String path = "/" + String.join("/", segments);
    assertThat(Target.normalise(path)).isSameAs(path);
  }

  @Provide
  Arbitrary<List<String>> plainSegments() {
    return Arbitraries.strings()
        .withChars("abcXYZ019-_~")
        .ofMinLength(1)
        .ofMaxLength(8)
        .list()
        .ofMaxSize(5);
  }
}
