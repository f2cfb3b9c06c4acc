package dev.cachet.examples.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A message body delimited by {@code Content-Length} (RFC 9112 §6.2): exactly that many bytes, then
 * end of stream. Closing it leaves the connection open.
 */
final class FixedLengthInputStream extends InputStream {
  private final InputStream in;
  private volatile long remaining;

  FixedLengthInputStream(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new EOFException("connection closed with " + remaining + " body bytes missing");
    }
    remaining -= n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  /** True once every byte of the body has been read. */
  boolean isComplete() {
    return remaining == 0;
  }

  @Override
  public void close() {
    // The connection outlives the body.
  }
}
