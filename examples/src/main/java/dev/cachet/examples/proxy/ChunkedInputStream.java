package dev.cachet.examples.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes the chunked transfer coding (RFC 9112 §7.1) as it is read, so a body of any size streams
 * through without being buffered. Chunk extensions are ignored and trailer fields discarded (RFC
 * 9112 §7.1.1–§7.1.2). A malformed chunk is a {@link BadMessage} with status 400. Closing it leaves
 * the connection open.
 */
final class ChunkedInputStream extends InputStream {
  /** The longest chunk-size line, extensions included. */
  private static final int MAX_CHUNK_LINE = 4096;

  /** Hex digits in a chunk size; 15 keep it within a positive {@code long}. */
  private static final int MAX_SIZE_DIGITS = 15;

  private final InputStream in;
  private long remaining;
  private boolean started;
  private volatile boolean done;

  ChunkedInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      if (started) {
        // Each chunk's data ends with CRLF.
        HeadReader.readLine(in, 0, 400, false);
      }
      started = true;
      remaining = readChunkSize();
      if (remaining == 0) {
        HeadReader.readFields(in); // trailer section, discarded
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new EOFException("connection closed inside a chunk");
    }
    remaining -= n;
    return n;
  }

  /** chunk-size [ chunk-ext ] CRLF, where chunk-size = 1*HEXDIG. */
  private long readChunkSize() throws IOException {
    String line = HeadReader.readLine(in, MAX_CHUNK_LINE, 400, false);
    int i = 0;
    long size = 0;
    while (i < line.length() && Character.digit(line.charAt(i), 16) >= 0) {
      if (i == MAX_SIZE_DIGITS) {
        throw new BadMessage(400, "chunk size too large");
      }
      size = size * 16 + Character.digit(line.charAt(i), 16);
      i++;
    }
    if (i == 0) {
      throw new BadMessage(400, "malformed chunk size");
    }
    // What may follow: BWS ";" chunk-ext. Anything else is malformed.
    int j = i;
    while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
      j++;
    }
    if (j < line.length() && line.charAt(j) != ';') {
      throw new BadMessage(400, "malformed chunk size");
    }
    return size;
  }

  /** True once the last chunk and the trailer section have been read. */
  boolean isComplete() {
    return done;
  }

  @Override
  public void close() {
    // The connection outlives the body.
  }
}
