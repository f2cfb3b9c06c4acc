package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A request whose exchange with the origin ends in an exception (refused, reset, cut short) is
 * still one look-up: counted as the miss or revalidation it was, counted in {@code originErrors},
 * and reported to the listener, so that {@code requests == hits + misses + revalidations} holds.
 */
class OriginErrorsIT extends OriginSupport {

  final List<CacheEvent> events = new CopyOnWriteArrayList<>();

  CacheListener recorder() {
    return new CacheListener() {
      @Override
      public void onOutcome(CacheEvent event) {
        events.add(event);
      }
    };
  }

  /** A loopback port nothing listens on: connecting to it is refused. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void assertAddsUp(CacheStatistics s) {
    assertThat(s.requests()).isEqualTo(s.hits() + s.misses() + s.revalidations());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void connectionRefused_isCountedAsAMissAndAnOriginError_andReported(Setup setup)
      throws Exception {
    CachingHttpClient client = client(setup, b -> b.listener(recorder()));
    URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/nothing-here");

    assertThatThrownBy(
            () ->
                setup.send(
                    client, HttpRequest.newBuilder(refused).build(), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    CacheStatistics s = client.statistics();
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.originErrors()).isEqualTo(1);
    assertAddsUp(s);
    assertThat(events).hasSize(1);
    CacheEvent e = events.get(0);
    assertThat(e.outcome()).isEqualTo(CacheEvent.Outcome.ORIGIN_ERROR);
    assertThat(e.uri()).isEqualTo(refused);
    assertThat(e.statusCode()).isZero();
    assertThat(e.stored()).isFalse();
    assertThat(e.cacheStatus()).startsWith("Cachet; fwd=uri-miss");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void revalidationReset_withNothingStaleToServe_isCountedAsARevalidationAndAnOriginError(
      Setup setup) throws Exception {
    origin.stubFor(
        get("/r")
            .willReturn(
                ok("v1")
                    .withHeader("Cache-Control", "max-age=10, must-revalidate")
                    .withHeader("ETag", "\"1\"")));
    CachingHttpClient client = client(setup, b -> b.listener(recorder()));
    setup.send(client, request("/r").build(), BodyHandlers.ofString());
    clock.advanceSeconds(60);
    origin.stubFor(get("/r").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThatThrownBy(() -> setup.send(client, request("/r").build(), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    CacheStatistics s = client.statistics();
    assertThat(s.requests()).isEqualTo(2);
    assertThat(s.misses()).isEqualTo(1);
    assertThat(s.revalidations()).isEqualTo(1);
    assertThat(s.notModified()).isZero();
    assertThat(s.originErrors()).isEqualTo(1);
    assertAddsUp(s);
    assertThat(events)
        .extracting(CacheEvent::outcome)
        .containsExactly(CacheEvent.Outcome.MISS, CacheEvent.Outcome.ORIGIN_ERROR);
    assertThat(events.get(1).cacheStatus()).startsWith("Cachet; fwd=stale");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void bodyBrokenAfterTheHeaders_isCountedAsAnOriginError_andNothingIsStored(Setup setup)
      throws Exception {
    origin.stubFor(get("/cut").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    CachingHttpClient client = client(setup, b -> b.listener(recorder()));

    assertThatThrownBy(() -> setup.send(client, request("/cut").build(), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    CacheStatistics s = client.statistics();
    assertThat(s.requests()).isEqualTo(1);
    assertThat(s.originErrors()).isEqualTo(1);
    assertThat(s.stores()).isZero();
    assertAddsUp(s);
    assertThat(events)
        .extracting(CacheEvent::outcome)
        .containsExactly(CacheEvent.Outcome.ORIGIN_ERROR);
  }
}
