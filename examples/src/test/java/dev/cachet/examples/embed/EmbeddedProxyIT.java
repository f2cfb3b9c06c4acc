package dev.cachet.examples.embed;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.proxy.ReverseProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The embedding example does what its Javadoc says: a second request is a hit. */
class EmbeddedProxyIT {
  @Test
  void theEmbeddedProxy_servesTheSecondRequestFromItsCache() throws Exception {
    WireMockServer origin =
        new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
    origin.stubFor(
        get("/page")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("hi")));
    try (ReverseProxy proxy = EmbeddedProxy.start(URI.create(origin.baseUrl()))) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + proxy.address().getPort() + "/page"))
              .build();
      client.send(request, HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> second = client.send(request, HttpResponse.BodyHandlers.ofString());

      assertThat(second.body()).isEqualTo("hi");
      assertThat(second.headers().firstValue("Cache-Status"))
          .get()
          .asString()
          .startsWith("Cachet; hit");
      assertThat(proxy.statistics().hits()).isEqualTo(1);
    } finally {
      origin.stop();
    }
  }
}
