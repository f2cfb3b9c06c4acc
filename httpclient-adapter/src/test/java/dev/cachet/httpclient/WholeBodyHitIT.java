package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheListener;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hit read with {@code BodyHandlers.ofByteArray()} is copied from the stored body at once rather
 * than replayed through the handler's subscriber (R4-01: served from the cache); what the caller
 * gets must not change.
 */
class WholeBodyHitIT extends OriginSupport {
  private static final String BODY = "stored bytes, ".repeat(500);

  static Stream<Setup> setups() {
    return Setup.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setups")
  void R4_01_ofByteArrayHit_isAFreshCopy_thatTheCallerMayChange(Setup setup) throws Exception {
    origin.stubFor(get("/whole").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    byte[] miss = setup.send(client, request("/whole").build(), BodyHandlers.ofByteArray()).body();
    HttpResponse<byte[]> hit =
        setup.send(client, request("/whole").build(), BodyHandlers.ofByteArray());
    byte[] first = hit.body();
    first[0] = 'X';
    byte[] second =
        setup.send(client, request("/whole").build(), BodyHandlers.ofByteArray()).body();

    assertThat(new String(miss, StandardCharsets.UTF_8)).isEqualTo(BODY);
    assertThat(hit.headers().firstValue("Cache-Status"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Cachet; hit"));
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(BODY);
    assertThat(second).isNotSameAs(first);
    assertThat(originGets("/whole")).isEqualTo(1);
  }

  @ParameterizedTest(name = "async={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void R4_01_ofByteArrayHit_whoseStoredBodyFailsToRead_isAnsweredByTheOrigin(boolean async)
      throws Exception {
    Setup setup = new Setup(Storages.Kind.MEMORY, async);
    origin.stubFor(get("/broken").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    MemoryStorage memory = MemoryStorage.newBuilder().build();
    try (CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(new BodyFailsWhenRead(memory))
            .clock(clock)
            .version(HttpClient.Version.HTTP_1_1)
            .listener(
                new CacheListener() {
                  @Override
                  public void onStorageError(URI uri, Throwable error) {
                    reported.add(error);
                  }
                })
            .build()) {

      setup.send(client, request("/broken").build(), BodyHandlers.ofByteArray());
      HttpResponse<byte[]> again =
          setup.send(client, request("/broken").build(), BodyHandlers.ofByteArray());

      assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo(BODY);
      assertThat(originGets("/broken")).isEqualTo(2);
      assertThat(reported).singleElement().isInstanceOf(StorageException.class);
    } finally {
      memory.close();
    }
  }

  /**
   * A storage whose stored bodies fail part-way when read as a stream (as a corrupt file would).
   */
  static final class BodyFailsWhenRead extends ForwardingStorage {
    BodyFailsWhenRead(MemoryStorage delegate) {
      super(delegate);
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
      Optional<StoredBody> real = super.openBody(pair);
      return real.map(
          body ->
              new StoredBody() {
                @Override
                public long length() {
                  return body.length();
                }

                @Override
                public Optional<ByteBuffer> nextChunk() throws IOException {
                  throw new StorageException("the stored body proves corrupt");
                }

                @Override
                public InputStream asInputStream() {
                  return new InputStream() {
                    @Override
                    public int read() throws IOException {
                      throw new StorageException("the stored body proves corrupt");
                    }
                  };
                }

                @Override
                public void close() throws IOException {
                  body.close();
                }
              });
    }
  }
}
