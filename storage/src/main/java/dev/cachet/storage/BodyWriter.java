package dev.cachet.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one pair's body as it arrives, then publishes the pair with {@link #commit()} or discards
 * everything with {@link #abort()}. Not thread-safe: one writer is used by one producer at a time.
 *
 * <pre>{@code
 * try (BodyWriter w = storage.newWriter(pair)) {
 *   for (ByteBuffer chunk : chunks) w.write(chunk);
 *   w.commit();
 * } // closing without commit aborts
 * }</pre>
 */
public interface BodyWriter extends Closeable {

  /**
   * Appends the remaining bytes of {@code chunk}; the buffer's position is advanced. The writer
   * does not keep the buffer.
   *
   * @param chunk the next bytes of the body, read from its position to its limit
   * @throws IOException if the bytes cannot be written; the writer is then aborted
   */
  void write(ByteBuffer chunk) throws IOException;

  /** {@return the bytes written so far} */
  long bytesWritten();

  /**
   * Publishes the pair with the body written so far, atomically: readers see either the previous
   * state or the complete new pair.
   *
   * @throws IOException if it cannot be published; nothing is then visible
   * @throws IllegalStateException if already committed or aborted
   */
  void commit() throws IOException;

  /** Discards everything written; idempotent, never throws, does nothing after a commit. */
  void abort();

  /** Aborts unless committed. */
  @Override
  void close();
}
