package dev.cachet.storage.redis;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.core.CacheOptions;
import dev.cachet.httpclient.CachingHttpClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real WireMock origin on loopback and "application instances": each a {@link CachingHttpClient}
 * on a {@link RedisStorage} of its own (its own connections), all on the test class's Redis, as
 * separate processes would be. Closed after each test.
 */
abstract class OriginAndInstances {
  static final CacheOptions SHARED = CacheOptions.newBuilder().shared(true).build();

  static WireMockServer origin;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The test class's Redis. */
  abstract RedisServer redis();

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  @BeforeEach
  void resetOriginAndRedis() {
    origin.resetAll();
    try (var raw = redis().newClient()) {
      raw.flushAll();
    }
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A new application instance, its storage configured further by {@code storage}. */
  CachingHttpClient instance(UnaryOperator<RedisStorage.Builder> storage) {
    RedisStorage s =
        storage.apply(RedisStorage.newBuilder(redis().uri()).cacheOptions(SHARED)).build();
    CachingHttpClient client =
        CachingHttpClient.newBuilder().storage(s).cacheOptions(SHARED).build();
    toClose.add(0, s);
    toClose.add(0, client);
    return client;
  }

  CachingHttpClient instance() {
    return instance(b -> b);
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + origin.port() + path);
  }

  static HttpRequest request(String path) {
    return HttpRequest.newBuilder(uri(path)).build();
  }

  static int originGets(String path) {
    return origin.findAll(getRequestedFor(urlEqualTo(path))).size();
  }
}
