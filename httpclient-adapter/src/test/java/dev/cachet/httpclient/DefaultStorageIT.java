package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A client built with no storage caches what a typical service fetches, large bodies too. */
class DefaultStorageIT extends OriginSupport {

  @Test
  void an8MiBResponse_isCachedByTheDefaultStore() throws Exception {
    byte[] body = new byte[8 << 20];
    Arrays.fill(body, (byte) 'x');
    origin.stubFor(
        get("/large").willReturn(ok().withBody(body).withHeader("Cache-Control", "max-age=60")));
    try (CachingHttpClient client =
        CachingHttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {

      HttpResponse<byte[]> miss =
          client.send(request("/large").build(), BodyHandlers.ofByteArray());
      HttpResponse<byte[]> hit = client.send(request("/large").build(), BodyHandlers.ofByteArray());

      assertThat(miss.body()).hasSize(body.length);
      assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
      assertThat(hit.body()).isEqualTo(body);
      assertThat(originGets("/large")).isEqualTo(1);
      assertThat(client.statistics().stores()).isEqualTo(1);
    }
  }
}
