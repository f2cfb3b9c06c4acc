package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A body the caller stops reading is stored when it is complete, and finished behind the caller
 * when little of it is left; only a body abandoned with much still to come is dropped.
 *
 * <p>A gzipped response read through {@link GZIPInputStream} is the common case: the decompressor
 * reaches the gzip trailer and the caller closes the stream, often before the JDK has signalled the
 * end of the body, so the cache sees a cancellation after the last byte. Each case runs many times
 * because the order of those two signals varies from run to run.
 */
class AbandonedBodyIT extends OriginSupport {
  static final int ROUNDS = 30;
  static final String TEXT =
      IntStream.range(0, 200)
          .mapToObj(i -> "{\"id\": " + i + ", \"name\": \"item " + i + "\"}")
          .collect(Collectors.joining(",\n", "[", "]"));

  static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Reads the body as a framework does: through a decompressor, closed once it has the text. */
  static String readGzipped(HttpResponse<InputStream> r) throws IOException {
    try (InputStream in = new GZIPInputStream(r.body())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  CachingHttpClient listeningClient(Setup setup, BlockingQueue<CacheEvent> events)
      throws IOException {
    return client(
        setup,
        b ->
            b.listener(
                new CacheListener() {
                  @Override
                  public void onOutcome(CacheEvent e) {
                    events.add(e);
                  }
                }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void S3_10_gzippedBodyReadThroughAGzipInputStream_isStoredEveryTime(Setup setup)
      throws Exception {
    byte[] gzipped = gzip(TEXT);
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    CachingHttpClient client = listeningClient(setup, events);
    int stored = 0;
    for (int i = 0; i < ROUNDS; i++) {
      String path = "/gz/" + i;
      origin.stubFor(
          get(path)
              .willReturn(
                  ok().withBody(gzipped)
                      .withHeader("Content-Encoding", "gzip")
                      .withHeader("Content-Length", Integer.toString(gzipped.length))
                      .withHeader("Cache-Control", "max-age=60")));

      HttpResponse<InputStream> miss =
          setup.send(
              client,
              request(path).header("Accept-Encoding", "gzip").build(),
              BodyHandlers.ofInputStream());
      assertThat(readGzipped(miss)).isEqualTo(TEXT);
      CacheEvent event = events.poll(10, TimeUnit.SECONDS);
      assertThat(event).as("the miss's event, told once its body settled").isNotNull();
      if (event.stored()) {
        stored++;
      }
    }

    assertThat(stored).as("responses stored of " + ROUNDS).isEqualTo(ROUNDS);
    for (int i = 0; i < ROUNDS; i++) {
      HttpResponse<InputStream> hit =
          setup.send(
              client,
              request("/gz/" + i).header("Accept-Encoding", "gzip").build(),
              BodyHandlers.ofInputStream());
      assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
      assertThat(readGzipped(hit)).isEqualTo(TEXT);
      assertThat(originGets("/gz/" + i)).isEqualTo(1);
    }
  }

  static String abandonAfterTenBytes(HttpResponse<InputStream> r) throws IOException {
    try (InputStream in = r.body()) {
      return new String(in.readNBytes(10), StandardCharsets.US_ASCII);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void bodyAbandonedWithLittleLeft_isFinishedBehindTheCaller_andStored(Setup setup)
      throws Exception {
    String body = "0123456789".repeat(25_000); // 250 kB: under the 1 MiB the cache reads on
    origin.stubFor(
        get("/little")
            .willReturn(
                ok(body)
                    .withHeader("Content-Length", Integer.toString(body.length()))
                    .withHeader("Cache-Control", "max-age=60")));
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    CachingHttpClient client = listeningClient(setup, events);

    String read =
        abandonAfterTenBytes(
            setup.send(client, request("/little").build(), BodyHandlers.ofInputStream()));
    CacheEvent event = events.poll(10, TimeUnit.SECONDS);
    HttpResponse<String> next =
        setup.send(client, request("/little").build(), BodyHandlers.ofString());

    assertThat(read).isEqualTo("0123456789");
    assertThat(event).isNotNull();
    assertThat(event.stored()).as("stored, in the event").isTrue();
    assertThat(next.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(next.body()).isEqualTo(body);
    assertThat(originGets("/little")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void S3_10_chunkedBodyAbandoned_isFinishedBehindTheCaller_andStoredWhenItsEndArrives(Setup setup)
      throws Exception {
    String body = "0123456789".repeat(6_000);
    origin.stubFor(
        get("/chunked")
            .willReturn(
                ok(body)
                    .withHeader("Cache-Control", "max-age=60")
                    .withChunkedDribbleDelay(5, 250)));
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    CachingHttpClient client = listeningClient(setup, events);

    HttpResponse<InputStream> miss =
        setup.send(client, request("/chunked").build(), BodyHandlers.ofInputStream());
    assertThat(miss.headers().firstValue("Content-Length")).isEmpty();
    String read = abandonAfterTenBytes(miss);
    CacheEvent event = events.poll(10, TimeUnit.SECONDS);
    HttpResponse<String> next =
        setup.send(client, request("/chunked").build(), BodyHandlers.ofString());

    assertThat(read).isEqualTo("0123456789");
    assertThat(event).isNotNull();
    assertThat(event.stored()).as("stored, in the event").isTrue();
    assertThat(next.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(next.body()).isEqualTo(body);
    assertThat(originGets("/chunked")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void bodyAbandonedWithMuchLeft_isDropped_andTheNextRequestGoesToTheOrigin(Setup setup)
      throws Exception {
    String body = "0123456789".repeat(300_000); // 3 MB: more than the 1 MiB the cache reads on
    origin.stubFor(
        get("/much")
            .willReturn(
                ok(body)
                    .withHeader("Content-Length", Integer.toString(body.length()))
                    .withHeader("Cache-Control", "max-age=60")));
    BlockingQueue<CacheEvent> events = new LinkedBlockingQueue<>();
    CachingHttpClient client = listeningClient(setup, events);

    String read =
        abandonAfterTenBytes(
            setup.send(client, request("/much").build(), BodyHandlers.ofInputStream()));
    CacheEvent event = events.poll(10, TimeUnit.SECONDS);
    HttpResponse<String> next =
        setup.send(client, request("/much").build(), BodyHandlers.ofString());

    assertThat(read).isEqualTo("0123456789");
    assertThat(event).isNotNull();
    assertThat(event.stored()).as("stored, in the event").isFalse();
    assertThat(next.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=uri-miss");
    assertThat(next.body()).isEqualTo(body);
    assertThat(originGets("/much")).isEqualTo(2);
  }
}
