package dev.cachet.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A test client that writes raw bytes and reads HTTP/1.1 responses, to see the wire as it is. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawClient(InetSocketAddress address) throws IOException {
    socket = new Socket(address.getAddress(), address.getPort());
    socket.setSoTimeout(10_000);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  RawClient send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** A parsed response. */
  record Response(int status, List<String[]> fields, String body) {
    String header(String name) {
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          return f[1];
        }
      }
      return null;
    }

    List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (String[] f : fields) {
        if (f[0].equalsIgnoreCase(name)) {
          values.add(f[1]);
        }
      }
      return values;
    }
  }

  /** Reads one response; a response to HEAD (or 1xx, 204, 304) must be read with bodyless. */
  Response read() throws IOException {
    return read(false);
  }

  Response read(boolean bodyless) throws IOException {
    return readAfterStatusLine(statusLine(), bodyless);
  }

  /** Reads a status line. */
  String statusLine() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    return statusLine;
  }

  /** Reads the head only. */
  Response readHeadOnly() throws IOException {
    return readAfterStatusLine(statusLine(), true);
  }

  /** Reads until the server closes; returns how many bytes came. */
  long drain() throws IOException {
    long n = 0;
    try {
      while (in.read() >= 0) {
        n++;
      }
    } catch (java.net.SocketException e) {
      // reset: the end too
    }
    return n;
  }

  /** Reads the rest of a response whose status line was read. */
  Response readAfterStatusLine(String statusLine, boolean bodyless) throws IOException {
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    List<String[]> fields = new ArrayList<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      fields.add(new String[] {l.substring(0, colon), l.substring(colon + 1).trim()});
    }
    Response head = new Response(status, fields, "");
    if (bodyless || status < 200 || status == 204 || status == 304) {
      return head;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String te = head.header("Transfer-Encoding");
    String cl = head.header("Content-Length");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        int size = Integer.parseInt(line().split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          break;
        }
        body.write(in.readNBytes(size));
        line();
      }
    } else if (cl != null) {
      body.write(in.readNBytes(Integer.parseInt(cl)));
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(status, fields, body.toString(StandardCharsets.UTF_8));
  }

  /** True once the server has closed the connection (reads end of stream). */
  boolean isClosedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
