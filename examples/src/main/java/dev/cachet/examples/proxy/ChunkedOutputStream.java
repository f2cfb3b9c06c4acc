package dev.cachet.examples.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the chunked transfer coding (RFC 9112 §7.1): each write becomes one chunk, {@link
 * #finish()} writes the last chunk with no trailer. Closing it does not close the connection.
 */
final class ChunkedOutputStream extends OutputStream {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private boolean finished;

  ChunkedOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("chunked body already finished");
    }
    if (len == 0) {
      return; // a zero-size chunk would end the body
    }
    out.write(Integer.toHexString(len).getBytes(StandardCharsets.US_ASCII));
    out.write(CRLF);
    out.write(b, off, len);
    out.write(CRLF);
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Writes the last chunk. */
  void finish() throws IOException {
    if (!finished) {
      finished = true;
      out.write(LAST_CHUNK);
    }
  }

  @Override
  public void close() throws IOException {
    finish();
  }
}
