package dev.cachet.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A child process of {@link FileStorageLifecycleTest}: the short program a newcomer writes. It
 * builds a file storage with the defaults (durable, commits written behind the caller), stores
 * entries, and lets {@code main} return without closing or flushing anything.
 *
 * <p>Arguments: the directory and how many entries to store.
 */
public final class ExitWithoutCloseMain {
  private ExitWithoutCloseMain() {}

  /** Stores entries {@code 0..n-1} and returns. */
  public static void main(String[] args) throws Exception {
    Storage storage = FileStorage.newBuilder(Path.of(args[0])).build();
    int n = Integer.parseInt(args[1]);
    for (int i = 0; i < n; i++) {
      BodyWriter w = storage.newWriter(FileStorageLifecycleTest.pair(i));
      w.write(ByteBuffer.wrap(StorageContract.bytes(1024, i)));
      w.commit();
    }
    System.out.println("stored " + n);
  }
}
