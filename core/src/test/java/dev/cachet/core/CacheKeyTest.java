package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * K-01 (RFC 9111 §2, RFC 3986 §6.2.2–6.2.3): the primary key is the normalised URI, whether the URI
 * is already in normal form (its own string is used) or not (the key is rebuilt from its parts).
 */
class CacheKeyTest {

  @ParameterizedTest
  @CsvSource({
    "http://example.com/a, http://example.com/a",
    "http://example.com:8080/a?x=1, http://example.com:8080/a?x=1",
    "http://user@example.com/a, http://user@example.com/a",
    "http://127.0.0.1:12345/fresh/1024/u1, http://127.0.0.1:12345/fresh/1024/u1",
    "http://example.com/a#top, http://example.com/a",
    "HTTP://Example.COM/a, http://example.com/a",
    "http://example.com:80/a, http://example.com/a",
    "https://example.com:443/a, https://example.com/a",
    "http://example.com:443/a, http://example.com:443/a",
    "http://example.com, http://example.com/",
    "http://example.com:/a, http://example.com/a",
    "http://example.com/a?, http://example.com/a?",
    "http://[::1]:8080/a, http://[::1]:8080/a",
  })
  void K_01_keyIsTheNormalisedUri(String uri, String key) {
    assertThat(CacheKey.of(URI.create(uri)).value()).isEqualTo(key);
  }

  @Property(tries = 500)
  void K_01_normalFormKeepsTheUriItsOwnStringAndEqualsTheRebuiltKey(@ForAll("uris") String uri) {
    URI u = URI.create(uri);
    CacheKey key = CacheKey.of(u);
    // The same URI with an upper-case scheme never takes the shortcut: both keys must agree.
    CacheKey rebuilt =
        CacheKey.of(URI.create(uri.substring(0, 4).toUpperCase() + uri.substring(4)));
    assertThat(key).isEqualTo(rebuilt);
  }

  @Provide
  Arbitrary<String> uris() {
    Arbitrary<String> host = Arbitraries.of("example.com", "Example.com", "127.0.0.1", "[::1]");
    Arbitrary<String> port = Arbitraries.of("", ":", ":80", ":443", ":8080");
    Arbitrary<String> path = Arbitraries.of("", "/", "/a", "/A/b.c", "/a%2Fb", "/x-y/", "//z");
    Arbitrary<String> query = Arbitraries.of("", "?", "?a=1", "?a=%41&b");
    Arbitrary<String> fragment = Arbitraries.of("", "#", "#f");
    Arbitrary<String> user = Arbitraries.of("", "u@", "u:p@");
    return Combinators.combine(user, host, port, path, query, fragment)
        .as((u, h, p, pa, q, f) -> "http://" + u + h + p + pa + q + f);
  }
}
