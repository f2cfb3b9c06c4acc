package dev.cachet.httpclient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheControl;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Putting a typed {@link CacheControl} on a JDK request in one line. */
class RequestCacheControlTest {
  private static final URI URI_A = URI.create("http://127.0.0.1/a");

  @Test
  void set_putsTheRenderedDirectivesOnTheBuilder() {
    HttpRequest r =
        RequestCacheControl.set(
                HttpRequest.newBuilder(URI_A).header("Cache-Control", "max-age=5"),
                CacheControl.FORCE_CACHE)
            .build();
    assertThat(r.headers().allValues("Cache-Control")).containsExactly("max-stale, only-if-cached");
    assertThat(RequestCacheControl.of(r)).isEqualTo(CacheControl.FORCE_CACHE);
  }

  @Test
  void with_replacesEveryCacheControlLine_andKeepsTheRestOfTheRequest() {
    HttpRequest original =
        HttpRequest.newBuilder(URI_A)
            .header("Cache-Control", "no-store")
            .header("cache-control", "max-age=1")
            .header("Accept", "text/plain")
            .timeout(Duration.ofSeconds(3))
            .build();
    HttpRequest forced = RequestCacheControl.with(original, CacheControl.FORCE_NETWORK);
    assertThat(forced.headers().allValues("Cache-Control")).containsExactly("no-cache");
    assertThat(forced.headers().firstValue("Accept")).contains("text/plain");
    assertThat(forced.timeout()).contains(Duration.ofSeconds(3));
    assertThat(forced.uri()).isEqualTo(URI_A);

    HttpRequest cleared = RequestCacheControl.with(original, CacheControl.empty());
    assertThat(cleared.headers().allValues("Cache-Control")).isEmpty();
    assertThat(RequestCacheControl.of(cleared).isEmpty()).isTrue();
  }
}
