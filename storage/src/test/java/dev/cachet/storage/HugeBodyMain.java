package dev.cachet.storage;

import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The child of {@link FileStorageHugeBodyTest}: stores a body of {@value #LENGTH} bytes, generated
 * chunk by chunk, reopens the storage and reads the body back both as chunks and as a stream,
 * checking every byte. Run with a heap far below the body's size, it proves bodies stream.
 *
 * <p>Argument: the directory. Prints {@code OK <bytes> <max heap>} and exits 0 on success.
 */
public final class HugeBodyMain {
  static final long LENGTH = 100L << 20;

  private HugeBodyMain() {}

  /** Stores and reads back the huge body. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    StoredPair pair =
        StorageContract.pair(
            "http://huge.test/body", Headers.empty(), "Content-Length", Long.toString(LENGTH));
    try (Storage storage = FileStorage.newBuilder(dir).maximumBytes(LENGTH * 2).build()) {
      try (BodyWriter w = storage.newWriter(pair)) {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (long written = 0; written < LENGTH; ) {
          chunk.clear();
          while (chunk.hasRemaining() && written + chunk.position() < LENGTH) {
            chunk.put(byteAt(written + chunk.position()));
          }
          chunk.flip();
          written += chunk.remaining();
          w.write(chunk);
        }
        w.commit();
      }
    }
    try (Storage storage = FileStorage.newBuilder(dir).maximumBytes(LENGTH * 2).build()) {
      List<StoredPair> found = storage.find(pair.key());
      check(found.equals(List.of(pair)), "the pair is found");
      long read = 0;
      try (StoredBody body = storage.openBody(pair).orElseThrow()) {
        check(body.length() == LENGTH, "the length is " + LENGTH);
        for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
          ByteBuffer b = c.get();
          while (b.hasRemaining()) {
            check(b.get() == byteAt(read), "byte " + read);
            read++;
          }
        }
      }
      check(read == LENGTH, "read as chunks: " + read);
      read = 0;
      try (StoredBody body = storage.openBody(pair).orElseThrow();
          InputStream in = body.asInputStream()) {
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          for (int i = 0; i < n; i++) {
            check(buf[i] == byteAt(read), "byte " + read);
            read++;
          }
        }
      }
      check(read == LENGTH, "read as a stream: " + read);
    }
    System.out.println("OK " + LENGTH + " " + Runtime.getRuntime().maxMemory());
  }

  private static byte byteAt(long i) {
    return (byte) (i * 31 + (i >>> 11));
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("failed: " + what);
    }
  }
}
