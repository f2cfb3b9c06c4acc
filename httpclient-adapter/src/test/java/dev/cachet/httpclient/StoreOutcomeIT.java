package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.storage.MemoryStorage;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the cache reports about storing a response whose body could not be stored after all. The
 * {@code Cache-Status} field is sent before the body, so its {@code stored} (RFC 9211 §2.5) can
 * only say that the cache is storing the response; the {@link CacheEvent} and the statistics come
 * after the body and must say what happened.
 */
class StoreOutcomeIT extends OriginSupport {
  private static final int BODY = 8 * 1024;

  /** A real storage that refuses the body part-way: its bound per pair is below the body's size. */
  private CachingHttpClient clientWithSmallEntries(BlockingQueue<CacheEvent> events) {
    MemoryStorage storage =
        MemoryStorage.newBuilder().maximumBytes(1 << 20).maximumEntryBytes(2 * 1024).build();
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .listener(
                new CacheListener() {
                  @Override
                  public void onOutcome(CacheEvent e) {
                    events.add(e);
                  }
                })
            .build();
    return client;
  }

  /**
   * Guards against the event claiming a store that failed mid-body: the storage throws once the
   * body passes its bound, so nothing is stored, and both the event and the statistics say so,
   * whether the caller takes the body whole or as a stream.
   */
  @ParameterizedTest(name = "streaming={0}")
  @ValueSource(booleans = {false, true})
  void B_01_bodyTheStorageRefusesMidway_isReportedNotStored(boolean streaming) throws Exception {
    origin.stubFor(
        get("/big").willReturn(ok("x".repeat(BODY)).withHeader("Cache-Control", "max-age=60")));
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    try (CachingHttpClient client = clientWithSmallEntries(events)) {
      int length;
      if (streaming) {
        HttpResponse<InputStream> r =
            client.send(request("/big").build(), BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          length = in.readAllBytes().length;
        }
      } else {
        length = client.send(request("/big").build(), BodyHandlers.ofString()).body().length();
      }
      CacheEvent event = events.poll(10, TimeUnit.SECONDS);

      assertThat(length).isEqualTo(BODY);
      assertThat(event).isNotNull();
      assertThat(event.outcome()).isEqualTo(CacheEvent.Outcome.MISS);
      assertThat(event.stored()).as("stored, in the event").isFalse();
      assertThat(client.statistics().stores()).isZero();
      assertThat(client.statistics().storageErrors()).isEqualTo(1);
      client.send(request("/big").build(), BodyHandlers.ofString());
      assertThat(originGets("/big")).as("the second request is a miss").isEqualTo(2);
    }
  }

  /**
   * Guards against the event claiming a store the caller cancelled: the caller closes the stream
   * after a few bytes with more left than the cache reads on for it, the write is aborted, and the
   * event says it was not stored.
   */
  @Test
  void B_01_bodyTheCallerAbandons_isReportedNotStored() throws Exception {
    String body = "y".repeat(3 << 20);
    origin.stubFor(
        get("/left")
            .willReturn(
                ok(body)
                    .withHeader("Content-Length", Integer.toString(body.length()))
                    .withHeader("Cache-Control", "max-age=60")));
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    MemoryStorage storage = MemoryStorage.newBuilder().build();
    try (CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .listener(
                new CacheListener() {
                  @Override
                  public void onOutcome(CacheEvent e) {
                    events.add(e);
                  }
                })
            .build()) {
      HttpResponse<InputStream> r =
          client.send(request("/left").build(), BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        assertThat(in.readNBytes(10)).hasSize(10);
      }
      CacheEvent event = events.poll(10, TimeUnit.SECONDS);

      assertThat(event).isNotNull();
      assertThat(event.stored()).as("stored, in the event").isFalse();
      assertThat(client.statistics().stores()).isZero();
      assertThat(storage.find(CacheKey.of(uri("/left")))).isEmpty();
    }
  }
}
