package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.cachet.engine.CacheStatistics;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** B-03: concurrent misses for one key make one origin request. */
class CollapsingIT extends OriginSupport {
  static final int N = 8;

  List<HttpResponse<String>> concurrently(CachingHttpClient client, Setup setup, String path)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(N);
    try {
      CyclicBarrier start = new CyclicBarrier(N);
      HttpRequest request = request(path).build();
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return setup.send(client, request, BodyHandlers.ofString());
                }));
      }
      List<HttpResponse<String>> out = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        out.add(f.get(30, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void B_03_concurrentMissesForOneUri_makeOneOriginRequest(Setup setup) throws Exception {
    origin.stubFor(
        get("/one")
            .willReturn(
                ok("shared").withHeader("Cache-Control", "max-age=60").withFixedDelay(400)));
    CachingHttpClient client = client(setup);

    List<HttpResponse<String>> responses = concurrently(client, setup, "/one");

    assertThat(responses).allSatisfy(r -> assertThat(r.body()).isEqualTo("shared"));
    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(originGets("/one")).isEqualTo(1);
    List<String> statuses =
        responses.stream().map(r -> r.headers().firstValue("Cache-Status").orElseThrow()).toList();
    assertThat(statuses).filteredOn(s -> s.contains("fwd=uri-miss")).hasSize(1);
    assertThat(statuses).filteredOn(s -> s.startsWith("Cachet; hit; collapsed")).hasSize(N - 1);
    CacheStatistics s = client.statistics();
    assertThat(s.collapsed()).isEqualTo(N - 1);
    assertThat(s.requests()).isEqualTo(N);
    assertThat(s.hits()).isEqualTo(N - 1);
    assertThat(s.misses()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void B_03_whenTheLeadersResponseIsNotStorable_othersGoToTheOriginThemselves(Setup setup)
      throws Exception {
    origin.stubFor(
        get("/private")
            .willReturn(ok("mine").withHeader("Cache-Control", "no-store").withFixedDelay(400)));
    CachingHttpClient client = client(setup);

    List<HttpResponse<String>> responses = concurrently(client, setup, "/private");

    assertThat(responses).allSatisfy(r -> assertThat(r.body()).isEqualTo("mine"));
    assertThat(originGets("/private")).isEqualTo(N);
    assertThat(client.statistics().misses()).isEqualTo(N);
  }

  /** R4-05 under collapsing: a follower waits, then looks up with its own fields. */
  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void B_03_followerWithAnotherVaryValue_getsItsOwnVariant(Setup setup) throws Exception {
    for (String lang : List.of("en", "de")) {
      origin.stubFor(
          get("/v")
              .withHeader("Accept-Language", equalTo(lang))
              .willReturn(
                  ok("text in " + lang)
                      .withHeader("Cache-Control", "max-age=60")
                      .withHeader("Vary", "Accept-Language")
                      .withFixedDelay(400)));
    }
    CachingHttpClient client = client(setup);

    // sendAsync looks up on the calling thread, so the first is the leader before the second
    // starts.
    CompletableFuture<HttpResponse<String>> en =
        client.sendAsync(
            request("/v").header("Accept-Language", "en").build(), BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> de =
        client.sendAsync(
            request("/v").header("Accept-Language", "de").build(), BodyHandlers.ofString());

    assertThat(en.get(30, TimeUnit.SECONDS).body()).isEqualTo("text in en");
    assertThat(de.get(30, TimeUnit.SECONDS).body()).isEqualTo("text in de");
    assertThat(client.statistics().collapsed()).isEqualTo(1);
    assertThat(originGets("/v")).isEqualTo(2);
  }

  /**
   * A leader that fails releases its followers at once (they do not wait for the collapse timeout
   * of 60 s); each then asks the origin itself and gets its own error, counted as one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void B_03_whenTheLeaderFails_followersTryThemselves_andEveryFailureIsCounted(Setup setup)
      throws Exception {
    origin.stubFor(
        get("/down")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER).withFixedDelay(400)));
    CachingHttpClient client = client(setup);

    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      all.add(client.sendAsync(request("/down").build(), BodyHandlers.ofString()));
    }

    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class);
    }
    CacheStatistics s = client.statistics();
    assertThat(s.collapsed()).isEqualTo(N - 1);
    assertThat(s.requests()).isEqualTo(N);
    assertThat(s.misses()).isEqualTo(N);
    assertThat(s.originErrors()).isEqualTo(N);
    // Each one went to the origin itself (the JDK client retries a reset GET once on its own).
    assertThat(originGets("/down")).isGreaterThanOrEqualTo(N);
  }

  /**
   * close() stops the client's own background executor; a request collapsed behind another one must
   * still be answered (the JDK client keeps answering after close on Java 17 too), not fail with
   * the executor's RejectedExecutionException.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void B_03_followersAreAnswered_whenTheClientIsClosedMeanwhile(Setup setup) throws Exception {
    origin.stubFor(
        get("/slow")
            .willReturn(ok("late").withHeader("Cache-Control", "max-age=60").withFixedDelay(400)));
    CachingHttpClient client = client(setup);

    CompletableFuture<HttpResponse<String>> leader =
        client.sendAsync(request("/slow").build(), BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> waiting =
        client.sendAsync(request("/slow").build(), BodyHandlers.ofString());
    client.close();
    CompletableFuture<HttpResponse<String>> afterClose =
        client.sendAsync(request("/slow").build(), BodyHandlers.ofString());

    assertThat(leader.get(30, TimeUnit.SECONDS).body()).isEqualTo("late");
    assertThat(waiting.get(30, TimeUnit.SECONDS).body()).isEqualTo("late");
    assertThat(afterClose.get(30, TimeUnit.SECONDS).body()).isEqualTo("late");
  }
}
