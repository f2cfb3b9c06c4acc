package dev.cachet.storage.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheStatistics;
import dev.cachet.httpclient.CachingHttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis is stopped or hangs mid-run: requests still succeed from the origin, the storage errors are
 * counted, and the cache works again when Redis returns. On a Redis of its own, since it kills it.
 */
class RedisOutageIT extends OriginAndInstances {
  @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

  @Override
  RedisServer redis() {
    return REDIS.server();
  }

  @Test
  void redisStoppedMidRun_requestsSucceedFromTheOrigin_errorsCounted_cachingResumesWhenItReturns()
      throws Exception {
    origin.stubFor(get("/a").willReturn(ok("alpha").withHeader("Cache-Control", "max-age=60")));
    origin.stubFor(get("/b").willReturn(ok("beta").withHeader("Cache-Control", "max-age=60")));
    // No backoff, so that the first request after Redis returns already uses it.
    CachingHttpClient client =
        instance(b -> b.failureBackoff(Duration.ZERO).commandTimeout(Duration.ofMillis(500)));

    assertThat(send(client, "/a")).isEqualTo("alpha");
    assertThat(send(client, "/a")).isEqualTo("alpha");
    assertThat(originGets("/a")).isEqualTo(1);
    assertThat(client.statistics().hits()).isEqualTo(1);
    assertThat(client.statistics().storageErrors()).isZero();

    REDIS.server().kill();

    assertThat(send(client, "/a")).isEqualTo("alpha");
    assertThat(send(client, "/a")).isEqualTo("alpha");
    assertThat(send(client, "/b")).isEqualTo("beta");
    assertThat(originGets("/a")).as("no cache: every request went to the origin").isEqualTo(3);
    assertThat(originGets("/b")).isEqualTo(1);
    CacheStatistics during = client.statistics();
    assertThat(during.storageErrors()).as("failed lookups and stores").isGreaterThanOrEqualTo(3);
    assertThat(during.hits()).isEqualTo(1);

    REDIS.server().start(); // same port; it kept nothing, as a restarted cache may not

    assertThat(send(client, "/a")).isEqualTo("alpha"); // a miss, stored again
    assertThat(send(client, "/a")).isEqualTo("alpha"); // a hit
    assertThat(originGets("/a")).isEqualTo(4);
    CacheStatistics after = client.statistics();
    assertThat(after.hits()).isEqualTo(2);
    assertThat(after.storageErrors()).as("no new errors").isEqualTo(during.storageErrors());
  }

  @Test
  void redisHung_requestsSucceedFromTheOriginAfterTheCommandTimeout_andHitAgainWhenItWakes()
      throws Exception {
    origin.stubFor(get("/d").willReturn(ok("delta").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client =
        instance(b -> b.failureBackoff(Duration.ZERO).commandTimeout(Duration.ofMillis(300)));
    assertThat(send(client, "/d")).isEqualTo("delta");
    assertThat(send(client, "/d")).isEqualTo("delta");
    assertThat(client.statistics().hits()).isEqualTo(1);

    REDIS.server().pause();
    try {
      assertThat(send(client, "/d")).isEqualTo("delta");
      assertThat(originGets("/d")).isEqualTo(2);
      assertThat(client.statistics().storageErrors()).isPositive();
    } finally {
      REDIS.server().resume();
    }

    long errors = client.statistics().storageErrors();
    assertThat(send(client, "/d")).isEqualTo("delta"); // what was stored before is still there
    assertThat(originGets("/d")).isEqualTo(2);
    assertThat(client.statistics().hits()).isEqualTo(2);
    assertThat(client.statistics().storageErrors()).isEqualTo(errors);
  }

  @Test
  void redisDown_withTheDefaultBackoff_everyRequestStillSucceeds() throws Exception {
    origin.stubFor(get("/c").willReturn(ok("gamma").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = instance(b -> b);
    REDIS.server().kill();
    try {
      for (int i = 0; i < 5; i++) {
        assertThat(send(client, "/c")).isEqualTo("gamma");
      }
      assertThat(originGets("/c")).isEqualTo(5);
      assertThat(client.statistics().storageErrors()).isGreaterThanOrEqualTo(5);
    } finally {
      REDIS.server().start();
    }
  }

  private static String send(CachingHttpClient client, String path) throws Exception {
    HttpResponse<String> r = client.send(request(path), BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
