package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.storage.MemoryStorage;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A miss that is stored while the caller reads it with the JDK's own byte-array subscriber ({@code
 * ofString}, {@code ofByteArray}) reaches the caller without a hand-off to the client's executor:
 * the JDK delivers a body inline to its own subscribers but through the executor to any other, and
 * the cache's tee then counts as its own. Counted here as the executor tasks submitted from the
 * JDK's body hand-off ({@code ResponseSubscribers.getBodyAsync}) on JDK 17.
 */
class StoredMissDeliveryIT extends OriginSupport {

  @Test
  void storedMissReadWhole_isDeliveredWithoutAnExecutorHandOff() throws Exception {
    origin.stubFor(
        get("/m").willReturn(ok("stored body").withHeader("Cache-Control", "max-age=60")));
    AtomicInteger handOffs = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool();
    try (CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(MemoryStorage.newBuilder().build())
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .executor(
                task -> {
                  if (Arrays.stream(new Throwable().getStackTrace())
                      .anyMatch(f -> f.getMethodName().equals("getBodyAsync"))) {
                    handOffs.incrementAndGet();
                  }
                  pool.execute(task);
                })
            .build()) {
      HttpResponse<String> miss = client.send(request("/m").build(), BodyHandlers.ofString());
      HttpResponse<byte[]> hit = client.send(request("/m").build(), BodyHandlers.ofByteArray());

      assertThat(miss.body()).isEqualTo("stored body");
      assertThat(new String(hit.body(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("stored body");
      assertThat(client.statistics().stores()).isEqualTo(1);
      assertThat(client.statistics().hits()).isEqualTo(1);
      assertThat(handOffs).hasValue(0);
    } finally {
      pool.shutdownNow();
    }
  }
}
