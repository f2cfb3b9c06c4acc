package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every storage writer and stored body the cache opens is finished, whatever the caller does. */
class ResourceLeaksIT extends OriginSupport {
  static final String BODY = "0123456789abcdef".repeat(64 * 1024); // 1 MiB: several chunks

  TrackingStorage storage;
  CachingHttpClient client;

  /** A client on a tracked storage of the setup's kind; the client closes the storage. */
  CachingHttpClient trackedClient(Setup setup) throws Exception {
    storage = new TrackingStorage(setup.newStorage(dir));
    client =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    return client;
  }

  @AfterEach
  void closeTracked() throws Exception {
    if (client != null) {
      client.close();
      storage.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void bodyHandlerThrowingOnAStorableMiss_abortsTheStorageWriter(Setup setup) throws Exception {
    origin.stubFor(get("/w").willReturn(ok("body").withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = trackedClient(setup);
    BodyHandler<String> throwing =
        info -> {
          throw new IllegalStateException("the caller's handler refuses");
        };

    assertThatThrownBy(() -> setup.send(client, request("/w").build(), throwing))
        .satisfiesAnyOf(
            t -> assertThat(t).isInstanceOf(IllegalStateException.class),
            t -> assertThat(t).hasRootCauseInstanceOf(IllegalStateException.class));

    assertThat(storage.openWriters).hasValue(0);
    HttpResponse<String> again = setup.send(client, request("/w").build(), BodyHandlers.ofString());
    assertThat(again.body()).isEqualTo("body");
    assertThat(storage.openWriters).hasValue(0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void hitReadAsAStream_closedEarly_closesTheStoredBody(Setup setup) throws Exception {
    origin.stubFor(get("/big").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = trackedClient(setup);
    setup.send(client, request("/big").build(), BodyHandlers.ofString());

    HttpResponse<InputStream> hit =
        setup.send(client, request("/big").build(), BodyHandlers.ofInputStream());
    try (InputStream in = hit.body()) {
      assertThat(in.readNBytes(16)).hasSize(16);
    }

    assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(storage.openBodies).hasValue(0);
  }
}
