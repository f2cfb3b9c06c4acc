package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Redirects are followed by the cache hop by hop, so each hop is cached on its own. */
class RedirectsIT extends OriginSupport {

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void storedRedirect_isFollowedWithoutContactingTheOrigin(Setup setup) throws Exception {
    origin.stubFor(
        get("/old")
            .willReturn(
                aResponse()
                    .withStatus(301)
                    .withHeader("Location", "/new")
                    .withHeader("Cache-Control", "max-age=600")));
    origin.stubFor(
        get("/new").willReturn(ok("moved here").withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = client(setup, b -> b.followRedirects(Redirect.NORMAL));

    HttpResponse<String> first =
        setup.send(client, request("/old").build(), BodyHandlers.ofString());
    HttpResponse<String> second =
        setup.send(client, request("/old").build(), BodyHandlers.ofString());

    assertThat(first.body()).isEqualTo("moved here");
    assertThat(first.uri()).isEqualTo(uri("/new"));
    assertThat(first.previousResponse())
        .hasValueSatisfying(p -> assertThat(p.statusCode()).isEqualTo(301));
    assertThat(second.body()).isEqualTo("moved here");
    assertThat(second.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(second.previousResponse().orElseThrow().headers().firstValue("Cache-Status"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Cachet; hit"));
    assertThat(originGets("/old")).isEqualTo(1);
    assertThat(originGets("/new")).isEqualTo(1);
    assertThat(client.statistics().requests()).isEqualTo(4); // two hops, twice
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void uncacheableRedirect_goesToOriginEachTime_whileItsTargetIsCached(Setup setup)
      throws Exception {
    origin.stubFor(
        get("/go").willReturn(aResponse().withStatus(302).withHeader("Location", "/there")));
    origin.stubFor(
        get("/there").willReturn(ok("there").withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = client(setup, b -> b.followRedirects(Redirect.ALWAYS));

    setup.send(client, request("/go").build(), BodyHandlers.ofString());
    HttpResponse<String> r = setup.send(client, request("/go").build(), BodyHandlers.ofString());

    assertThat(r.body()).isEqualTo("there");
    assertThat(originGets("/go")).isEqualTo(2);
    assertThat(originGets("/there")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void neverPolicy_returnsTheRedirectItself(Setup setup) throws Exception {
    origin.stubFor(
        get("/stay")
            .willReturn(
                aResponse()
                    .withStatus(301)
                    .withHeader("Location", "/elsewhere")
                    .withHeader("Cache-Control", "max-age=600")));
    CachingHttpClient client = client(setup);

    HttpResponse<String> r = setup.send(client, request("/stay").build(), BodyHandlers.ofString());
    HttpResponse<String> hit =
        setup.send(client, request("/stay").build(), BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(hit.statusCode()).isEqualTo(301);
    assertThat(hit.headers().firstValue("Location")).contains("/elsewhere");
    assertThat(originGets("/stay")).isEqualTo(1);
    assertThat(originGets("/elsewhere")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void seeOtherAfterPost_isFollowedWithGet(Setup setup) throws Exception {
    origin.stubFor(
        post("/form").willReturn(aResponse().withStatus(303).withHeader("Location", "/result")));
    origin.stubFor(get("/result").willReturn(ok("done")));
    CachingHttpClient client = client(setup, b -> b.followRedirects(Redirect.NORMAL));

    HttpResponse<String> r =
        setup.send(
            client,
            request("/form").POST(BodyPublishers.ofString("a=1")).build(),
            BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("done");
    assertThat(r.request().method()).isEqualTo("GET");
    assertThat(originRequests(postRequestedFor(urlEqualTo("/form")))).isEqualTo(1);
    assertThat(originGets("/result")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void redirectLoop_failsAfterFiveHops(Setup setup) throws Exception {
    origin.stubFor(
        get("/loop").willReturn(aResponse().withStatus(307).withHeader("Location", "/loop")));
    CachingHttpClient client = client(setup, b -> b.followRedirects(Redirect.NORMAL));

    assertThatThrownBy(() -> setup.send(client, request("/loop").build(), BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("redirects");
    assertThat(originGets("/loop")).isEqualTo(6);
  }

  /**
   * As the JDK client does (HttpRequestImpl.newInstanceForRedirection): a redirect to another
   * origin (scheme or authority) must not carry the caller's credentials and origin-bound fields.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void crossOriginRedirect_doesNotLeakAuthorizationOrCookie(Setup setup) throws Exception {
    WireMockServer other =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    other.start();
    try {
      String target = "http://127.0.0.1:" + other.port() + "/landing";
      origin.stubFor(
          get("/away").willReturn(aResponse().withStatus(302).withHeader("Location", target)));
      origin.stubFor(
          get("/near").willReturn(aResponse().withStatus(302).withHeader("Location", "/here")));
      origin.stubFor(get("/here").willReturn(ok("same origin")));
      other.stubFor(get("/landing").willReturn(ok("elsewhere")));
      CachingHttpClient client = client(setup, b -> b.followRedirects(Redirect.NORMAL));

      HttpResponse<String> away =
          setup.send(
              client,
              request("/away")
                  .header("Authorization", "Bearer secret")
                  .header("Cookie", "session=secret")
                  .header("X-Trace", "t1")
                  .build(),
              BodyHandlers.ofString());
      HttpResponse<String> near =
          setup.send(
              client,
              request("/near").header("Authorization", "Bearer mine").build(),
              BodyHandlers.ofString());

      assertThat(away.body()).isEqualTo("elsewhere");
      List<LoggedRequest> landed = other.findAll(getRequestedFor(urlEqualTo("/landing")));
      assertThat(landed).hasSize(1);
      assertThat(landed.get(0).containsHeader("Authorization")).isFalse();
      assertThat(landed.get(0).containsHeader("Cookie")).isFalse();
      assertThat(landed.get(0).getHeader("X-Trace")).isEqualTo("t1");
      assertThat(away.request().headers().firstValue("Authorization")).isEmpty();
      // Within one origin the fields stay, as with the JDK.
      assertThat(near.body()).isEqualTo("same origin");
      List<LoggedRequest> here = origin.findAll(getRequestedFor(urlEqualTo("/here")));
      assertThat(here).hasSize(1);
      assertThat(here.get(0).getHeader("Authorization")).isEqualTo("Bearer mine");
    } finally {
      other.stop();
    }
  }
}
