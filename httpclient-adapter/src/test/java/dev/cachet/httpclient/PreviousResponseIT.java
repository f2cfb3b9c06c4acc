package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.temporaryRedirect;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code previousResponse()} chain the caller sees is the one a plain client gives: the
 * responses the wrapped client went through itself (a 401 its {@link Authenticator} answered),
 * after the redirects the cache followed, on a miss and on a stored response served after a
 * revalidation.
 */
class PreviousResponseIT extends OriginSupport {
  static final String CREDENTIALS =
      "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes());

  static Authenticator alice() {
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication("alice", "pw".toCharArray());
      }
    };
  }

  void stubProtected(String path, String cacheControl) {
    origin.stubFor(
        get(path).willReturn(status(401).withHeader("WWW-Authenticate", "Basic realm=\"cachet\"")));
    origin.stubFor(
        get(path)
            .withHeader("Authorization", equalTo(CREDENTIALS))
            .willReturn(ok("secret").withHeader("Cache-Control", cacheControl)));
  }

  /** Status and path of each response in the chain, newest first, starting with the response. */
  static List<String> chain(HttpResponse<?> r) {
    List<String> links = new ArrayList<>();
    for (Optional<? extends HttpResponse<?>> p = Optional.of(r);
        p.isPresent();
        p = p.get().previousResponse()) {
      links.add(p.get().statusCode() + " " + p.get().uri().getPath());
      if (p.get() != r) {
        assertThat(p.get().body()).as("a previous response has no body").isNull();
      }
    }
    return links;
  }

  HttpClient plainClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .authenticator(alice())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void miss_keepsThe401TheAuthenticatorAnswered_asAPlainClientDoes(Setup setup) throws Exception {
    stubProtected("/secret", "max-age=60");
    CachingHttpClient client = client(setup, b -> b.authenticator(alice()));

    HttpResponse<String> plain =
        plainClient().send(request("/secret").build(), BodyHandlers.ofString());
    HttpResponse<String> miss =
        setup.send(client, request("/secret").build(), BodyHandlers.ofString());
    HttpResponse<String> hit =
        setup.send(client, request("/secret").build(), BodyHandlers.ofString());

    assertThat(chain(plain)).containsExactly("200 /secret", "401 /secret");
    assertThat(chain(miss)).isEqualTo(chain(plain));
    assertThat(miss.previousResponse().orElseThrow().headers().firstValue("WWW-Authenticate"))
        .contains("Basic realm=\"cachet\"");
    assertThat(miss.body()).isEqualTo("secret");
    // A hit made no exchange, as a plain client's second request makes none with a 401: the
    // JDK's authenticator sends Basic credentials at once once they were accepted for the path.
    assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("Cachet; hit");
    assertThat(chain(hit)).containsExactly("200 /secret");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void redirectThenAuthentication_chainsTheCachesHopsAndTheWrappedClientsOwn(Setup setup)
      throws Exception {
    origin.stubFor(get("/start").willReturn(temporaryRedirect("/landing")));
    stubProtected("/landing", "max-age=60");
    CachingHttpClient client =
        client(setup, b -> b.authenticator(alice()).followRedirects(HttpClient.Redirect.NORMAL));

    HttpResponse<String> plain =
        plainClient().send(request("/start").build(), BodyHandlers.ofString());
    HttpResponse<String> miss =
        setup.send(client, request("/start").build(), BodyHandlers.ofString());

    assertThat(chain(plain)).containsExactly("200 /landing", "401 /landing", "302 /start");
    assertThat(chain(miss)).isEqualTo(chain(plain));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void storedResponseServedAfterA304_keepsThe401BeforeThe304(Setup setup) throws Exception {
    stubProtected("/stale", "max-age=10");
    origin.stubFor(
        get("/stale")
            .withHeader("Authorization", equalTo(CREDENTIALS))
            .willReturn(
                ok("secret")
                    .withHeader("Cache-Control", "max-age=10")
                    .withHeader("ETag", "\"1\"")));
    // The revalidation is refused once although credentials came with it (a credential that the
    // origin rotated, say); the authenticator answers again and the origin validates.
    origin.stubFor(
        get("/stale")
            .inScenario("rotated")
            .whenScenarioStateIs(Scenario.STARTED)
            .withHeader("If-None-Match", equalTo("\"1\""))
            .willReturn(status(401).withHeader("WWW-Authenticate", "Basic realm=\"cachet\""))
            .willSetStateTo("asked again"));
    origin.stubFor(
        get("/stale")
            .inScenario("rotated")
            .whenScenarioStateIs("asked again")
            .withHeader("If-None-Match", equalTo("\"1\""))
            .withHeader("Authorization", equalTo(CREDENTIALS))
            .willReturn(
                status(304).withHeader("Cache-Control", "max-age=10").withHeader("ETag", "\"1\"")));
    CachingHttpClient client = client(setup, b -> b.authenticator(alice()));

    setup.send(client, request("/stale").build(), BodyHandlers.ofString());
    clock.advanceSeconds(20);
    HttpResponse<String> revalidated =
        setup.send(client, request("/stale").build(), BodyHandlers.ofString());

    assertThat(revalidated.headers().firstValue("Cache-Status").orElseThrow())
        .contains("fwd-status=304");
    assertThat(revalidated.body()).isEqualTo("secret");
    assertThat(chain(revalidated)).containsExactly("200 /stale", "401 /stale");
  }
}
