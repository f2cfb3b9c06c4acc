package dev.cachet.it;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.httpclient.CachingHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every framework must show with a {@link CachingHttpClient} under it, with each storage: a
 * repeated GET answered from the cache, a revalidation answered 304, and a POST that invalidates.
 * Proved by counting the requests the origin saw, as a user would see it: through the framework's
 * own API.
 */
abstract class FrameworkContract extends OriginSupport {
  /** The framework under test, sending through {@code client} to {@code base}. */
  abstract Framework framework(HttpClient client, URI base) throws Exception;

  /**
   * The cache's builder as the framework's documented wiring has it. HTTP/1.1: WireMock's Jetty
   * fails the JDK's cleartext HTTP/2 upgrade now and then.
   */
  CachingHttpClient.Builder cache() {
    return CachingHttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10));
  }

  /** The framework on a new cache over a new storage of this kind. */
  Framework open(StorageKind kind) throws Exception {
    return framework(client(cache(), kind), origin.base());
  }

  @ParameterizedTest
  @EnumSource(StorageKind.class)
  void repeatedGet_isAnsweredFromTheCache(StorageKind kind) throws Exception {
    origin.server.stubFor(
        get("/items").willReturn(ok("three items").withHeader("Cache-Control", "max-age=60")));
    Framework framework = open(kind);

    Framework.Reply first = framework.get("/items");
    Framework.Reply second = framework.get("/items");

    assertThat(first.body()).isEqualTo("three items");
    assertThat(second.body()).isEqualTo("three items");
    assertThat(second.status()).isEqualTo(200);
    assertThat(first.cacheStatus()).hasValueSatisfying(s -> assertThat(s).contains("fwd=uri-miss"));
    assertThat(second.cacheStatus())
        .hasValueSatisfying(s -> assertThat(s).startsWith("Cachet; hit"));
    assertThat(origin.gets("/items")).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(StorageKind.class)
  void staleResponse_isRevalidated_andA304ServesTheStoredBody(StorageKind kind) throws Exception {
    origin.server.stubFor(
        get("/doc")
            .willReturn(
                ok("document v1")
                    .withHeader("Cache-Control", "no-cache")
                    .withHeader("ETag", "\"v1\"")));
    origin.server.stubFor(
        get("/doc")
            .withHeader("If-None-Match", equalTo("\"v1\""))
            .willReturn(status(304).withHeader("ETag", "\"v1\"")));
    Framework framework = open(kind);

    framework.get("/doc");
    Framework.Reply revalidated = framework.get("/doc");

    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo("document v1");
    assertThat(revalidated.cacheStatus())
        .hasValueSatisfying(s -> assertThat(s).contains("fwd-status=304"));
    assertThat(origin.gets("/doc")).isEqualTo(2);
    assertThat(origin.requests("/doc").get(1).getHeader("If-None-Match")).isEqualTo("\"v1\"");
  }

  @ParameterizedTest
  @EnumSource(StorageKind.class)
  void post_invalidatesTheStoredResponse(StorageKind kind) throws Exception {
    origin.server.stubFor(
        get("/cart").willReturn(ok("empty cart").withHeader("Cache-Control", "max-age=60")));
    origin.server.stubFor(post("/cart").willReturn(status(204)));
    Framework framework = open(kind);
    framework.get("/cart");
    assertThat(framework.get("/cart").cacheStatus())
        .hasValueSatisfying(s -> assertThat(s).startsWith("Cachet; hit"));

    framework.post("/cart", "one apple");
    origin.server.stubFor(
        get("/cart").willReturn(ok("one apple").withHeader("Cache-Control", "max-age=60")));
    Framework.Reply after = framework.get("/cart");

    assertThat(after.body()).isEqualTo("one apple");
    assertThat(origin.gets("/cart")).isEqualTo(2);
  }
}
