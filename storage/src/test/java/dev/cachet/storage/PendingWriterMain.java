package dev.cachet.storage;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A child process of {@link FileStorageWriteBufferTest}: starts two writes it never commits, one
 * body within the write buffer and one past it, prints {@code ready}, and waits to be killed.
 *
 * <p>Arguments: the directory.
 */
public final class PendingWriterMain {
  static final int BUFFER = 4096;
  static final URI SMALL = URI.create("http://example.com/pending/small");
  static final URI LARGE = URI.create("http://example.com/pending/large");

  private PendingWriterMain() {}

  /** Writes, then sleeps until killed. */
  public static void main(String[] args) throws Exception {
    Storage storage =
        FileStorage.newBuilder(Path.of(args[0])).durable(false).writeBufferBytes(BUFFER).build();
    BodyWriter small = storage.newWriter(StorageContract.pair(SMALL.toString()));
    small.write(ByteBuffer.wrap(StorageContract.bytes(BUFFER, 1)));
    BodyWriter large = storage.newWriter(StorageContract.pair(LARGE.toString()));
    large.write(ByteBuffer.wrap(StorageContract.bytes(BUFFER + 1, 2)));
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
