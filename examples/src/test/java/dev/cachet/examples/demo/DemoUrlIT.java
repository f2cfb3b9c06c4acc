package dev.cachet.examples.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code demo URL}: the URL fetched twice through the cache, here a WireMock site on 127.0.0.1. */
class DemoUrlIT {
  private static WireMockServer site;

  @BeforeAll
  static void start() {
    site = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    site.start();
  }

  @AfterAll
  static void stop() {
    site.stop();
  }

  @BeforeEach
  void reset() {
    site.resetAll();
  }

  private String fetchTwice(String path) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        Demo.fetchTwice(
            URI.create(site.baseUrl() + path),
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Style.plain());
    assertThat(status).isZero();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void cacheableSite_secondFetchIsAHit() throws Exception {
    site.stubFor(
        get("/page")
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("page")));
    String output = fetchTwice("/page");
    assertThat(output.lines().filter(l -> l.contains("GET ")))
        .hasSize(2)
        .last()
        .asString()
        .contains("Cachet; hit");
    assertThat(output).contains("Statistics: 2 requests: 1 hits");
    site.verify(1, getRequestedFor(urlEqualTo("/page")));
  }

  @Test
  void uncacheableSite_bothFetchesReachIt() throws Exception {
    site.stubFor(
        get("/live").willReturn(aResponse().withHeader("Cache-Control", "no-store").withBody("x")));
    String output = fetchTwice("/live");
    assertThat(output).contains("Statistics: 2 requests: 0 hits");
    site.verify(2, getRequestedFor(urlEqualTo("/live")));
  }
}
