package dev.cachet.it;

import dev.cachet.httpclient.CachingHttpClient;
import dev.cachet.storage.Storage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WireMock origin per test class, reset before each test, and the caches a test builds, closed
 * (with their storages) after it.
 */
abstract class OriginSupport {
  static Origin origin;

  @TempDir Path dir;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void startOrigin() {
    origin = new Origin();
  }

  @AfterAll
  static void stopOrigin() {
    origin.close();
  }

  @BeforeEach
  void resetOrigin() {
    origin.server.resetAll();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  /** A cache from this builder over a new storage of this kind, closed after the test. */
  CachingHttpClient client(CachingHttpClient.Builder builder, StorageKind kind) throws Exception {
    Storage storage = kind.open(dir.resolve(kind.name() + "-" + toClose.size()));
    toClose.add(storage);
    CachingHttpClient client = builder.storage(storage).build();
    toClose.add(client);
    return client;
  }
}
