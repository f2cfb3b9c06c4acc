package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.core.CacheControl;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.CacheOverride;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Typed request {@link CacheControl} and the override rules (OV-01..OV-06) against a real origin in
 * every {@link Setup}, proven by counting the origin's requests and by what the cache reports.
 */
class OverridesIT extends OriginSupport {
  static final String SETUPS = "dev.cachet.httpclient.Setup#all";

  private HttpResponse<String> fetch(CachingHttpClient client, Setup setup, HttpRequest request)
      throws Exception {
    return setup.send(client, request, BodyHandlers.ofString());
  }

  private static String cacheStatus(HttpResponse<?> r) {
    return r.headers().firstValue("Cache-Status").orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void R4_08_forceCache_servesWhatIsStoredHoweverStale_andNeverAsksTheOrigin(Setup setup)
      throws Exception {
    origin.stubFor(get("/fc").willReturn(ok("stored").withHeader("Cache-Control", "max-age=10")));
    CachingHttpClient client = client(setup);
    fetch(client, setup, request("/fc").build());
    clock.advanceSeconds(3600);

    HttpResponse<String> forced =
        fetch(
            client,
            setup,
            RequestCacheControl.with(request("/fc").build(), CacheControl.FORCE_CACHE));
    HttpResponse<String> nothingStored =
        fetch(
            client,
            setup,
            RequestCacheControl.set(request("/never"), CacheControl.FORCE_CACHE).build());

    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(forced.body()).isEqualTo("stored");
    assertThat(forced.headers().firstValue("Age")).contains("3600");
    assertThat(nothingStored.statusCode()).isEqualTo(504);
    assertThat(originGets("/fc")).isEqualTo(1);
    assertThat(originGets("/never")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void R4_06_forceNetwork_validatesAFreshResponseWithTheOrigin(Setup setup) throws Exception {
    origin.stubFor(
        get("/fn")
            .withHeader("If-None-Match", absent())
            .willReturn(
                ok("v1").withHeader("Cache-Control", "max-age=600").withHeader("ETag", "\"1\"")));
    origin.stubFor(
        get("/fn")
            .withHeader("If-None-Match", equalTo("\"1\""))
            .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"1\"")));
    CachingHttpClient client = client(setup);
    fetch(client, setup, request("/fn").build());
    clock.advanceSeconds(5);

    HttpResponse<String> fresh = fetch(client, setup, request("/fn").build());
    HttpResponse<String> forced =
        fetch(
            client,
            setup,
            RequestCacheControl.set(request("/fn"), CacheControl.FORCE_NETWORK).build());

    assertThat(cacheStatus(fresh)).startsWith("Cachet; hit");
    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(forced.body()).isEqualTo("v1");
    assertThat(cacheStatus(forced)).contains("fwd=request").contains("fwd-status=304");
    assertThat(originGets("/fn")).isEqualTo(2);
    assertThat(
            originRequests(
                getRequestedFor(urlEqualTo("/fn")).withHeader("If-None-Match", equalTo("\"1\""))))
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void OV_01_minimumLifetime_onAnOriginThatSendsMaxAgeZero_servesFromCache_andSaysSo(Setup setup)
      throws Exception {
    origin.stubFor(get("/ttl").willReturn(ok("cached").withHeader("Cache-Control", "max-age=0")));
    List<CacheEvent> events = new CopyOnWriteArrayList<>();
    CacheOptions fiveMinutes =
        CacheOptions.newBuilder()
            .override(
                CacheOverride.forHost("127.0.0.1").minimumLifetime(Duration.ofMinutes(5)).build())
            .build();
    CachingHttpClient client =
        client(
            setup,
            b ->
                b.cacheOptions(fiveMinutes)
                    .listener(
                        new CacheListener() {
                          @Override
                          public void onOutcome(CacheEvent e) {
                            events.add(e);
                          }
                        }));
    CachingHttpClient plain = client(setup);

    fetch(client, setup, request("/ttl").build());
    clock.advanceSeconds(60);
    HttpResponse<String> hit = fetch(client, setup, request("/ttl").build());
    assertThat(originGets("/ttl")).isEqualTo(1);
    clock.advanceSeconds(241);
    fetch(client, setup, request("/ttl").build());
    assertThat(originGets("/ttl")).isEqualTo(2);
    // Without the rule, max-age=0 is never reused.
    fetch(plain, setup, request("/ttl").build());
    fetch(plain, setup, request("/ttl").build());
    assertThat(originGets("/ttl")).isEqualTo(4);

    assertThat(hit.body()).isEqualTo("cached");
    assertThat(cacheStatus(hit))
        .startsWith("Cachet; hit; ttl=240; detail=\"override OV-01 minimum lifetime 300s");
    assertThat(client.statistics().overrides()).isEqualTo(1);
    assertThat(client.statistics().hits()).isEqualTo(1);
    assertThat(plain.statistics().overrides()).isZero();
    assertThat(events)
        .filteredOn(CacheEvent::override)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(CacheEvent.Outcome.HIT);
              assertThat(e.reason().orElseThrow().id()).isEqualTo("OV-01");
              assertThat(e.cacheStatus()).contains("override OV-01");
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(SETUPS)
  void OV_06_offline_withTheOriginStopped_servesWhatIsStored_markedStale(Setup setup)
      throws Exception {
    WireMockServer own = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    own.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + own.port() + "/offline");
      // must-revalidate: RFC 9111 forbids serving it stale; offline mode is the user's say-so.
      own.stubFor(
          get("/offline")
              .willReturn(ok("kept").withHeader("Cache-Control", "max-age=10, must-revalidate")));
      CachingHttpClient offline = client(setup, b -> b.offline(true));
      CachingHttpClient online = client(setup);
      fetch(offline, setup, HttpRequest.newBuilder(uri).build());
      fetch(online, setup, HttpRequest.newBuilder(uri).build());
      own.stop();
      clock.advanceSeconds(100);

      HttpResponse<String> r = fetch(offline, setup, HttpRequest.newBuilder(uri).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("kept");
      assertThat(r.headers().firstValue("Age")).contains("100");
      assertThat(cacheStatus(r))
          .isEqualTo(
              "Cachet; fwd=stale; ttl=-90; detail=\"override OV-06 offline, origin unreachable,"
                  + " serving what is stored\"");
      assertThat(offline.statistics().overrides()).isEqualTo(1);
      assertThat(offline.cacheOptions().offline()).isTrue();
      // The same stored response, the same unreachable origin, without offline mode.
      assertThatThrownBy(() -> fetch(online, setup, HttpRequest.newBuilder(uri).build()))
          .matches(OverridesIT::causedByConnectFailure, "caused by a ConnectException");
      assertThat(online.statistics().originErrors()).isEqualTo(1);
    } finally {
      own.stop();
    }
  }

  private static boolean causedByConnectFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }
}
