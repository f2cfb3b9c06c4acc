package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheOptions;
import java.net.Authenticator;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.PasswordAuthentication;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Cookie} and {@code Authorization}, which the JDK client adds itself: a response that
 * varies on them is never served to the wrong user.
 */
class FieldsAddedByTheJdkIT extends OriginSupport {

  static final String ALICE = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes());

  void stubProfiles() {
    for (String user : new String[] {"alice", "bob"}) {
      origin.stubFor(
          get("/profile")
              .withHeader("Cookie", containing("user=" + user))
              .willReturn(
                  ok(user + "'s profile")
                      .withHeader("Cache-Control", "private, max-age=600")
                      .withHeader("Vary", "Cookie")));
    }
  }

  static void login(CookieManager cookies, java.net.URI uri, String user) {
    cookies.getCookieStore().removeAll();
    HttpCookie c = new HttpCookie("user", user);
    c.setPath("/");
    c.setVersion(0);
    cookies.getCookieStore().add(uri, c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void R4_05_cookieHandlerOfTheBuilder_takesPartInVary(Setup setup) throws Exception {
    stubProfiles();
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    CachingHttpClient client = client(setup, b -> b.cookieHandler(cookies));

    login(cookies, uri("/"), "alice");
    HttpResponse<String> alice =
        setup.send(client, request("/profile").build(), BodyHandlers.ofString());
    login(cookies, uri("/"), "bob");
    HttpResponse<String> bob =
        setup.send(client, request("/profile").build(), BodyHandlers.ofString());
    login(cookies, uri("/"), "alice");
    HttpResponse<String> aliceAgain =
        setup.send(client, request("/profile").build(), BodyHandlers.ofString());

    assertThat(alice.body()).isEqualTo("alice's profile");
    assertThat(bob.body()).isEqualTo("bob's profile");
    assertThat(bob.headers().firstValue("Cache-Status").orElseThrow()).contains("fwd=vary-miss");
    assertThat(aliceAgain.body()).isEqualTo("alice's profile");
    assertThat(aliceAgain.headers().firstValue("Cache-Status").orElseThrow())
        .startsWith("Cachet; hit");
    assertThat(originGets("/profile")).isEqualTo(2);
    assertThat(client.cookieHandler()).containsSame(cookies);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void R4_05_wrappedClientsOwnCookieHandler_responsesVaryingOnCookieAreNotStored(Setup setup)
      throws Exception {
    stubProfiles();
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    login(cookies, uri("/"), "alice");
    HttpClient jdk =
        HttpClient.newBuilder().cookieHandler(cookies).version(HttpClient.Version.HTTP_1_1).build();
    CachingHttpClient client = client(setup, b -> b.wrap(jdk), true);

    HttpResponse<String> alice =
        setup.send(client, request("/profile").build(), BodyHandlers.ofString());
    login(cookies, uri("/"), "bob");
    HttpResponse<String> bob =
        setup.send(client, request("/profile").build(), BodyHandlers.ofString());

    assertThat(alice.body()).isEqualTo("alice's profile");
    assertThat(alice.headers().firstValue("Cache-Status").orElseThrow())
        .doesNotContain("stored")
        .contains("out of the cache's sight");
    assertThat(bob.body()).isEqualTo("bob's profile");
    assertThat(originGets("/profile")).isEqualTo(2);
  }

  void stubChallenge(String path, String cacheControl, String vary) {
    origin.stubFor(
        get(path)
            .withHeader("Authorization", absent())
            .willReturn(
                aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
    var ok = ok("secret").withHeader("Cache-Control", cacheControl);
    if (vary != null) {
      ok = ok.withHeader("Vary", vary);
    }
    origin.stubFor(get(path).withHeader("Authorization", equalTo(ALICE)).willReturn(ok));
  }

  static Authenticator alice() {
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication("alice", "pw".toCharArray());
      }
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void R4_05_withAuthenticator_responseVaryingOnAuthorization_isNotStored(Setup setup)
      throws Exception {
    stubChallenge("/vary-auth", "max-age=600", "Authorization");
    CachingHttpClient client = client(setup, b -> b.authenticator(alice()));

    HttpResponse<String> first =
        setup.send(client, request("/vary-auth").build(), BodyHandlers.ofString());
    HttpResponse<String> second =
        setup.send(client, request("/vary-auth").build(), BodyHandlers.ofString());

    assertThat(first.body()).isEqualTo("secret");
    assertThat(second.body()).isEqualTo("secret");
    assertThat(first.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("stored");
    assertThat(
            originRequests(
                getRequestedFor(urlEqualTo("/vary-auth"))
                    .withHeader("Authorization", equalTo(ALICE))))
        .isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void S3_06_sharedCacheWithAuthenticator_storesOnlyWhatSection3_5Allows(Setup setup)
      throws Exception {
    stubChallenge("/plain", "max-age=600", null);
    stubChallenge("/public", "public, max-age=600", null);
    CachingHttpClient client =
        client(
            setup,
            b ->
                b.authenticator(alice())
                    .cacheOptions(CacheOptions.newBuilder().shared(true).build()));

    for (int i = 0; i < 2; i++) {
      setup.send(client, request("/plain").build(), BodyHandlers.ofString());
      setup.send(client, request("/public").build(), BodyHandlers.ofString());
    }

    assertThat(
            originRequests(
                getRequestedFor(urlEqualTo("/plain")).withHeader("Authorization", equalTo(ALICE))))
        .isEqualTo(2);
    assertThat(
            originRequests(
                getRequestedFor(urlEqualTo("/public")).withHeader("Authorization", equalTo(ALICE))))
        .isEqualTo(1);
  }
}
