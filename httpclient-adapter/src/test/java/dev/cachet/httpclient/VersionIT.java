package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.cachet.storage.FileStorage;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A response served from storage reports the HTTP version it arrived in, as a plain client's
 * response to the same exchange would: here a client left at the JDK's default ({@code HTTP_2})
 * against an origin that speaks only HTTP/1.1, so the miss is {@code HTTP_1_1} and the hit, the
 * freshened hit after a 304 and a hit read back by a new {@link FileStorage} must be too.
 */
class VersionIT extends OriginSupport {

  /** An origin that refuses the cleartext HTTP/2 upgrade, as many HTTP/1.1-only servers do. */
  @BeforeAll
  static void startOrigin() {
    origin =
        new WireMockServer(
            options().bindAddress("127.0.0.1").dynamicPort().http2PlainDisabled(true));
    origin.start();
  }

  CachingHttpClient defaultVersionClient(Setup setup) throws Exception {
    // Asks for HTTP/2, the JDK's default, and gets HTTP/1.1 from this origin.
    return client(setup, b -> b.version(HttpClient.Version.HTTP_2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cachet.httpclient.Setup#all")
  void hit_reportsTheVersionTheStoredResponseArrivedIn(Setup setup) throws Exception {
    origin.stubFor(get("/v").willReturn(ok("v").withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = defaultVersionClient(setup);

    HttpResponse<String> miss = setup.send(client, request("/v").build(), BodyHandlers.ofString());
    HttpResponse<String> hit = setup.send(client, request("/v").build(), BodyHandlers.ofString());
    HttpResponse<byte[]> wholeBytesHit =
        setup.send(client, request("/v").build(), BodyHandlers.ofByteArray());

    assertThat(miss.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(hit.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(wholeBytesHit.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(originGets("/v")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cachet.httpclient.Setup#all")
  void freshenedBy304_reportsTheStoredResponsesVersion(Setup setup) throws Exception {
    origin.stubFor(
        get("/r")
            .willReturn(
                ok("r").withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"1\"")));
    origin.stubFor(
        get("/r")
            .withHeader("If-None-Match", WireMock.equalTo("\"1\""))
            .willReturn(
                status(304).withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"1\"")));
    CachingHttpClient client = defaultVersionClient(setup);

    setup.send(client, request("/r").build(), BodyHandlers.ofString());
    clock.advanceSeconds(20);
    HttpResponse<String> revalidated =
        setup.send(client, request("/r").build(), BodyHandlers.ofString());

    assertThat(revalidated.headers().firstValue("Cache-Status").orElseThrow())
        .contains("fwd-status=304");
    assertThat(revalidated.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(originGets("/r")).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cachet.httpclient.Setup#all")
  void aNewFileStorageOnTheSameDirectory_readsTheVersionBack(Setup setup) throws Exception {
    origin.stubFor(get("/f").willReturn(ok("f").withHeader("Cache-Control", "max-age=60")));
    try (FileStorage first = FileStorage.newBuilder(dir.resolve("shared")).build();
        CachingHttpClient writer =
            CachingHttpClient.newBuilder().storage(first).clock(clock).build()) {
      setup.send(writer, request("/f").build(), BodyHandlers.ofString());
    }
    try (FileStorage second = FileStorage.newBuilder(dir.resolve("shared")).build();
        CachingHttpClient reader =
            CachingHttpClient.newBuilder().storage(second).clock(clock).build()) {
      HttpResponse<String> hit = setup.send(reader, request("/f").build(), BodyHandlers.ofString());

      assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
      assertThat(hit.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
    assertThat(originGets("/f")).isEqualTo(1);
  }
}
