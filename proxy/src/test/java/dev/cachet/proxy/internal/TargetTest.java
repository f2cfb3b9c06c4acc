package dev.cachet.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, /",
    "/a/b, /a/b",
    "/a/./b, /a/b",
    "/a/../b, /b",
    "/../secret.txt, /secret.txt",
    "/%2e%2e/secret.txt, /secret.txt",
    "/%2E%2e/%2e./secret.txt, /secret.txt",
    "/a/b/.., /a/",
    "/a/b/., /a/b/",
    "/a/%7euser, /a/~user",
    "/a%3Fb, /a%3Fb",
    "/a%3fb, /a%3Fb",
    "/a?x=../y, /a?x=../y",
    "/.., /",
    "http://example.com, /",
    "http://example.com?q, /?q",
    "HTTP://example.com/a/../../b, /b",
    "/a//b, /a//b"
  })
  void normalise_removesDotSegments_andDecodesUnreservedEscapes(String target, String expected)
      throws Target.Invalid {
    assertThat(Target.normalise(target)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a",
        "*",
        "/%",
        "/%2",
        "/%zz",
        "/%2f",
        "/%2F..",
        "/%5c",
        "/%00",
        "/a b",
        "/a\\b",
        "/a#f",
        "/ü",
        "/a?b c",
        "/a?%g0",
        "ftp://x/a",
        "http://user@x/a",
        "http:///a"
      })
  void normalise_refusesMalformedTargets(String target) {
    assertThatThrownBy(() -> Target.normalise(target)).isInstanceOf(Target.Invalid.class);
  }
}
