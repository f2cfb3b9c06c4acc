package dev.cachet.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileStorage} on a real disk passes the contract. Forcing to the disk ({@code durable})
 * changes no logic, only when the bytes reach the platter, so the contract runs without it to keep
 * the build fast; {@code FileStorageDurabilityTest} covers the durable default.
 */
class FileStorageTest extends StorageContract {
  @TempDir Path temp;
  private final AtomicInteger count = new AtomicInteger();

  @Override
  protected Storage newStorage(long maximumBytes) throws IOException {
    return FileStorage.newBuilder(temp.resolve("storage-" + count.incrementAndGet()))
        .maximumBytes(maximumBytes)
        .durable(false)
        .build();
  }

  /** Two writers and two readers on one key, 1,000 writes each: files make each one slower. */
  @Override
  protected int concurrentOperations() {
    return 1000;
  }
}
