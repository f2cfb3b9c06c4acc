package dev.cachet.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.storage.MemoryStorage;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The builder and the client's settings, without a network. */
class CachingHttpClientTest {

  @Nested
  class Defaults {
    @Test
    void builtWithNothing_isAPrivateCacheInBoundedMemory_followingNoRedirects() {
      try (CachingHttpClient client = CachingHttpClient.newBuilder().build()) {
        assertThat(client.storage()).isInstanceOf(MemoryStorage.class);
        MemoryStorage memory = (MemoryStorage) client.storage();
        assertThat(memory.maximumBytes())
            .isEqualTo(DefaultStorage.maximumBytes(Runtime.getRuntime().maxMemory()));
        assertThat(memory.maximumEntryBytes()).isEqualTo(16L << 20);
        assertThat(client.cacheOptions()).isEqualTo(CacheOptions.defaults());
        assertThat(client.cacheOptions().shared()).isFalse();
        assertThat(client.followRedirects()).isEqualTo(Redirect.NEVER);
        assertThat(client.cookieHandler()).isEmpty();
        assertThat(client.statistics())
            .isEqualTo(new CacheStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(client.statistics().hitRate()).isZero();
      }
    }

    @Test
    void defaultStoreBound_isASixteenthOfTheHeap_between32And256MiB() {
      long mib = 1L << 20;
      assertThat(DefaultStorage.maximumBytes(64 * mib)).isEqualTo(32 * mib);
      assertThat(DefaultStorage.maximumBytes(512 * mib)).isEqualTo(32 * mib);
      assertThat(DefaultStorage.maximumBytes(1024 * mib)).isEqualTo(64 * mib);
      assertThat(DefaultStorage.maximumBytes(2048 * mib)).isEqualTo(128 * mib);
      assertThat(DefaultStorage.maximumBytes(16384 * mib)).isEqualTo(256 * mib);
      assertThat(DefaultStorage.maximumBytes(Long.MAX_VALUE)).isEqualTo(256 * mib);
    }

    @Test
    void isAnHttpClient() {
      try (CachingHttpClient client = CachingHttpClient.newBuilder().build()) {
        HttpClient plain = client;
        assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(plain.sslContext()).isNotNull();
      }
    }
  }

  @Nested
  class Settings {
    @Test
    void connectionSettings_configureTheWrappedClient() {
      CookieManager cookies = new CookieManager();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try (CachingHttpClient client =
          CachingHttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(Redirect.NORMAL)
              .cookieHandler(cookies)
              .executor(pool)
              .priority(3)
              .build()) {
        assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
        assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(client.followRedirects()).isEqualTo(Redirect.NORMAL);
        assertThat(client.cookieHandler()).containsSame(cookies);
        assertThat(client.executor())
            .hasValueSatisfying(e -> assertThat(e).isSameAs((Executor) pool));
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void cacheSettingsGivenTwice_areRejected() {
      CachingHttpClient.Builder b = CachingHttpClient.newBuilder();
      b.cacheOptions(CacheOptions.defaults());
      assertThatThrownBy(() -> b.cacheOptions(CacheOptions.defaults()))
          .isInstanceOf(IllegalStateException.class);
      b.clock(java.time.Clock.systemUTC());
      assertThatThrownBy(() -> b.clock(java.time.Clock.systemUTC()))
          .isInstanceOf(IllegalStateException.class);
      b.listener(new CacheListener() {});
      assertThatThrownBy(() -> b.listener(new CacheListener() {}))
          .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badValues_areRejectedAtOnce() {
      CachingHttpClient.Builder b = CachingHttpClient.newBuilder();
      assertThatThrownBy(() -> b.priority(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> b.storage(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrappingAClient_excludesConnectionSettings() {
      HttpClient jdk = HttpClient.newHttpClient();
      assertThatThrownBy(
              () -> CachingHttpClient.newBuilder(jdk).connectTimeout(Duration.ofSeconds(1)).build())
          .isInstanceOf(IllegalStateException.class);
      try (CachingHttpClient client = CachingHttpClient.newBuilder(jdk).build()) {
        assertThat(client.version()).isEqualTo(jdk.version());
      }
    }

    @Test
    void aCachingClientCannotWrapAnother() {
      try (CachingHttpClient inner = CachingHttpClient.newBuilder().build()) {
        assertThatThrownBy(() -> CachingHttpClient.newBuilder().wrap(inner))
            .isInstanceOf(IllegalArgumentException.class);
      }
    }

    @Test
    void aBuilderIsReusable() {
      CachingHttpClient.Builder b = CachingHttpClient.newBuilder();
      try (CachingHttpClient one = b.build();
          CachingHttpClient two = b.build()) {
        assertThat(one.storage()).isNotSameAs(two.storage());
      }
    }
  }

  @Test
  void close_isIdempotent_andClosesTheStorageItCreated() throws Exception {
    CachingHttpClient client = CachingHttpClient.newBuilder().build();
    client.close();
    client.close();
    assertThatThrownBy(
            () ->
                client
                    .storage()
                    .find(dev.cachet.core.CacheKey.of(java.net.URI.create("http://x/"))))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void shutdownMethodsOfNewerJdks_closeTheClient() throws Exception {
    CachingHttpClient client = CachingHttpClient.newBuilder().build();
    assertThat(client.isTerminated()).isFalse();
    client.shutdown();
    assertThat(client.isTerminated()).isTrue();
    assertThat(client.awaitTermination(Duration.ofSeconds(1))).isTrue();
    client.shutdownNow();
  }

  @Test
  void close_closesTheStorageItWasGiven() throws Exception {
    MemoryStorage storage = MemoryStorage.newBuilder().build();
    CachingHttpClient.newBuilder().storage(storage).build().close();
    assertThatThrownBy(
            () -> storage.find(dev.cachet.core.CacheKey.of(java.net.URI.create("http://x/"))))
        .isInstanceOf(dev.cachet.storage.StorageException.class);
  }

  @Test
  void close_leavesOpenAStorageGivenNotToBeClosedWithTheClient() throws Exception {
    MemoryStorage storage = MemoryStorage.newBuilder().build();
    CachingHttpClient one = CachingHttpClient.newBuilder().storage(storage, false).build();
    CachingHttpClient two = CachingHttpClient.newBuilder().storage(storage, false).build();
    one.close();
    assertThat(two.storage()).isSameAs(storage);
    assertThat(storage.find(dev.cachet.core.CacheKey.of(java.net.URI.create("http://x/"))))
        .isEmpty();
    two.close();
    assertThat(storage.find(dev.cachet.core.CacheKey.of(java.net.URI.create("http://x/"))))
        .isEmpty();
    storage.close();
  }

  @Test
  void storageGivenTwice_isRefused_whicheverWay() {
    MemoryStorage storage = MemoryStorage.newBuilder().build();
    assertThatThrownBy(
            () -> CachingHttpClient.newBuilder().storage(storage).storage(storage, false))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> CachingHttpClient.newBuilder().storage(storage, false).storage(storage))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> CachingHttpClient.newBuilder().storage(null, false))
        .isInstanceOf(NullPointerException.class);
    storage.close();
  }
}
