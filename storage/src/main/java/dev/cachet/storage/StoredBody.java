package dev.cachet.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A committed body being read, as chunks or as a stream (one or the other). Not thread-safe. Close
 * it when done.
 */
public interface StoredBody extends Closeable {

  /** {@return the body's length in bytes} */
  long length();

  /**
   * {@return the next chunk, read-only, or empty at the end of the body} A memory store may return
   * its whole body as one chunk without copying; the caller must not assume a chunk size.
   *
   * @throws IOException if the body cannot be read (for example, it proves corrupt)
   */
  Optional<ByteBuffer> nextChunk() throws IOException;

  /** {@return the rest of the body as a stream} */
  InputStream asInputStream();

  /** Releases what the body holds open. */
  @Override
  void close() throws IOException;
}
