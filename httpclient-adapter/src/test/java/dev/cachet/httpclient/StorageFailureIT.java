package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A storage failure never fails the caller's request: the origin answers, the error is counted. */
class StorageFailureIT extends OriginSupport {

  CachingHttpClient clientOn(Storage storage, List<Throwable> reported) {
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .storage(storage)
            .clock(clock)
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .listener(
                new CacheListener() {
                  @Override
                  public void onStorageError(URI uri, Throwable error) {
                    reported.add(error);
                  }
                })
            .build();
    return client;
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void storageThrowingOnEveryCall_stillGivesCorrectResponsesFromTheOrigin(boolean async)
      throws Exception {
    Setup setup = new Setup(Storages.Kind.MEMORY, async);
    origin.stubFor(get("/a").willReturn(ok("alpha").withHeader("Cache-Control", "max-age=60")));
    origin.stubFor(get("/b").willReturn(ok("beta").withHeader("Cache-Control", "no-store")));
    origin.stubFor(post("/a").willReturn(aResponse().withStatus(204)));
    ThrowingStorage storage = new ThrowingStorage();
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    try (CachingHttpClient client = clientOn(storage, reported)) {

      HttpResponse<String> a1 = setup.send(client, request("/a").build(), BodyHandlers.ofString());
      HttpResponse<String> a2 = setup.send(client, request("/a").build(), BodyHandlers.ofString());
      HttpResponse<String> b = setup.send(client, request("/b").build(), BodyHandlers.ofString());
      HttpResponse<String> p =
          setup.send(
              client,
              request("/a").POST(BodyPublishers.ofString("x")).build(),
              BodyHandlers.ofString());
      HttpResponse<String> a3 =
          setup.send(
              client,
              request("/a").header("Cache-Control", "only-if-cached").build(),
              BodyHandlers.ofString());

      assertThat(a1.body()).isEqualTo("alpha");
      assertThat(a2.body()).isEqualTo("alpha");
      assertThat(b.body()).isEqualTo("beta");
      assertThat(p.statusCode()).isEqualTo(204);
      assertThat(a3.statusCode()).isEqualTo(504); // nothing can be found in a broken cache
      assertThat(originGets("/a")).isEqualTo(2);
      CacheStatistics s = client.statistics();
      assertThat(s.storageErrors()).isGreaterThanOrEqualTo(6);
      assertThat(s.storageErrors()).isEqualTo(reported.size());
      assertThat(reported).allSatisfy(e -> assertThat(e).isInstanceOf(StorageException.class));
      assertThat(s.stores()).isZero();
      assertThat(s.requests()).isEqualTo(5);
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void writerFailingMidBody_leavesTheCallersBodyWhole_andStoresNothing(boolean async)
      throws Exception {
    Setup setup = new Setup(Storages.Kind.MEMORY, async);
    String body = "x".repeat(200_000);
    origin.stubFor(get("/big").willReturn(ok(body).withHeader("Cache-Control", "max-age=60")));
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    try (MemoryStorage memory = MemoryStorage.newBuilder().maximumBytes(1 << 22).build();
        CachingHttpClient client = clientOn(new WriterFailsAfterFirstChunk(memory), reported)) {

      HttpResponse<String> first =
          setup.send(client, request("/big").build(), BodyHandlers.ofString());
      HttpResponse<String> second =
          setup.send(client, request("/big").build(), BodyHandlers.ofString());

      assertThat(first.body()).isEqualTo(body);
      assertThat(second.body()).isEqualTo(body);
      assertThat(originGets("/big")).isEqualTo(2);
      assertThat(memory.find(CacheKey.of(uri("/big")))).isEmpty();
      assertThat(reported).isNotEmpty();
    }
  }

  /** A real memory storage whose writers fail once they have taken some bytes (a full disk). */
  static final class WriterFailsAfterFirstChunk extends ForwardingStorage {
    WriterFailsAfterFirstChunk(Storage delegate) {
      super(delegate);
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws IOException {
      BodyWriter w = delegate.newWriter(pair);
      return new BodyWriter() {
        @Override
        public void write(ByteBuffer chunk) throws IOException {
          if (w.bytesWritten() > 0) {
            w.abort();
            throw new StorageException("disk full");
          }
          w.write(chunk);
        }

        @Override
        public long bytesWritten() {
          return w.bytesWritten();
        }

        @Override
        public void commit() throws IOException {
          w.commit();
        }

        @Override
        public void abort() {
          w.abort();
        }

        @Override
        public void close() {
          w.close();
        }
      };
    }
  }
}
