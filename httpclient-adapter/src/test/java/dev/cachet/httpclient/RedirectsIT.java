package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
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
}
