package dev.cachet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.httpclient.CachingHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A gzipped response through Spring 7's clients, which ask for gzip and decompress it themselves
 * ({@code JdkClientHttpRequestFactory} reads the body through a {@code GZIPInputStream}, which
 * stops at the gzip trailer and is then closed): the response must be stored all the same, and the
 * second request answered from the cache. Spring 6's factory does not decompress, so this class
 * runs on Spring 7 only.
 */
@Tag("spring7-only")
class SpringGzipIT extends OriginSupport {
  /** A body whose gzip form (about 150 KB) arrives in many reads. */
  static final String TEXT = Origin.text(250_000);

  static final int RESOURCES = 5;

  static Stream<Arguments> frameworks() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (StorageKind kind : StorageKind.values()) {
      all.add(Arguments.of("RestClient", kind, (Opener) Spring::restClient));
      all.add(Arguments.of("RestTemplate", kind, (Opener) Spring::restTemplate));
      all.add(Arguments.of("@HttpExchange", kind, (Opener) Spring::httpExchangeOnRestClient));
    }
    return all.build();
  }

  interface Opener extends BiFunction<HttpClient, URI, Framework> {}

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("frameworks")
  void gzippedBody_decompressedByTheFramework_isStored_andTheSecondRequestIsAHit(
      String name, StorageKind kind, Opener opener) throws Exception {
    // What the cache did, told by its listener: a failure then says whether the first body's
    // write was given up, failed or never settled, or the second request missed a stored one.
    List<String> told = new CopyOnWriteArrayList<>();
    CachingHttpClient client =
        client(
            CachingHttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .listener(
                    new CacheListener() {
                      @Override
                      public void onOutcome(CacheEvent e) {
                        told.add(
                            e.uri().getPath()
                                + " "
                                + e.outcome()
                                + " stored="
                                + e.stored()
                                + " "
                                + e.cacheStatus()
                                + " "
                                + e.states());
                      }

                      @Override
                      public void onStorageError(URI uri, Throwable error) {
                        told.add(uri.getPath() + " storage error " + error);
                      }
                    }),
            kind);
    Framework framework = opener.apply(client, origin.base());

    // Several resources: on the code this guards against, a body closed after its gzip trailer was
    // lost more often than not, but not every time.
    for (int i = 0; i < RESOURCES; i++) {
      String path = "/gz" + i;
      origin.stubGzipped(path, TEXT, "max-age=60");

      Framework.Reply first = framework.get(path);
      Framework.Reply second = framework.get(path);

      assertThat(first.body()).isEqualTo(TEXT);
      assertThat(second.body()).isEqualTo(TEXT);
      assertThat(second.cacheStatus())
          .as("second response for " + path + "; the cache told: " + told)
          .hasValueSatisfying(s -> assertThat(s).startsWith("Cachet; hit"));
      assertThat(origin.gets(path)).as("origin requests for " + path).isEqualTo(1);
    }
  }
}
