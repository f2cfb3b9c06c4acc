package dev.cachet.examples.proxy;

import dev.cachet.core.Headers;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * One client connection: reads requests one after another (persistent by default in HTTP/1.1, RFC
 * 9112 §9.3), hands each to the {@link Handler}, and writes its response with the framing the
 * client can read (RFC 9112 §6). It closes the connection when the client asks, after an HTTP/1.0
 * exchange, when a request body was left unread, on malformed input, on an idle timeout, and when
 * the server shuts down.
 */
final class Connection implements Runnable {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());
  private static final int BUFFER = 16 * 1024;

  private final Socket socket;
  private final Handler handler;
  private final ProxyServer server;
  private final Object writeLock = new Object();
  private volatile boolean idle = true;
  private OutputStream out;

  Connection(Socket socket, Handler handler, ProxyServer server) {
    this.socket = socket;
    this.handler = handler;
    this.server = server;
  }

  @Override
  public void run() {
    try (Socket s = socket) {
      InputStream in = new BufferedInputStream(s.getInputStream(), BUFFER);
      out = new BufferedOutputStream(s.getOutputStream(), BUFFER);
      boolean open = true;
      while (open && server.isOpen()) {
        idle = true;
        RequestHead head;
        try {
          head = HeadReader.read(in);
        } catch (BadMessage e) {
          answerError(e.status(), e.getMessage());
          return;
        }
        if (head == null) {
          return; // the client closed an idle connection
        }
        idle = false;
        open = exchange(head, in);
      }
    } catch (SocketTimeoutException e) {
      LOG.log(Level.DEBUG, "connection idle or stalled, closed: {0}", socket);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "connection failed: " + socket, e);
    } finally {
      server.closed(this);
    }
  }

  /** Handles one request; returns whether the connection stays open for another. */
  // "try": the response body is held by the try only so that it is closed whatever happens; the
  // response writes it itself.
  @SuppressWarnings("try")
  private boolean exchange(RequestHead head, InputStream in) throws IOException {
    try {
      checkHost(head);
      RequestBody body = RequestBody.of(head, in, expectContinue(head));
      ProxyResponse response = handler.handle(head, body);
      try (InputStream responseBody = response.body()) {
        boolean close =
            head.minorVersion() == 0
                || HopByHop.hasConnectionOption(head.headers(), "close")
                || !body.isComplete()
                || !server.isOpen();
        return writeResponse(head, response, close);
      }
    } catch (BadMessage e) {
      answerError(e.status(), e.getMessage());
      return false;
    }
  }

  /** RFC 9112 §3.2: an HTTP/1.1 request without exactly one {@code Host} gets 400. */
  private static void checkHost(RequestHead head) throws BadMessage {
    int hosts = head.headers().allValues("Host").size();
    if (hosts > 1 || (hosts == 0 && head.minorVersion() == 1)) {
      throw new BadMessage(400, "an HTTP/1.1 request needs exactly one Host field");
    }
  }

  /** RFC 9110 §10.1.1: honour 100-continue from an HTTP/1.1 client; refuse other expectations. */
  private RequestBody.Continue expectContinue(RequestHead head) throws BadMessage {
    if (head.minorVersion() == 0 || !head.headers().contains("Expect")) {
      return null; // an HTTP/1.0 server ignores Expect
    }
    for (String expectation : head.headers().listValues("Expect")) {
      if (!expectation.equalsIgnoreCase("100-continue")) {
        throw new BadMessage(417, "unsupported expectation: " + expectation);
      }
    }
    return () -> {
      synchronized (writeLock) {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    };
  }

  /** Writes a response; returns whether the connection stays open. */
  private boolean writeResponse(RequestHead head, ProxyResponse response, boolean close)
      throws IOException {
    int status = response.status();
    OptionalLong length = response.length();
    // RFC 9112 §6.3: no body in responses to HEAD, in 1xx, 204 and 304 responses.
    boolean hasBody =
        !head.method().equals("HEAD") && status >= 200 && status != 204 && status != 304;
    boolean chunked = hasBody && length.isEmpty() && head.minorVersion() == 1;
    if (hasBody && length.isEmpty() && !chunked) {
      close = true; // an HTTP/1.0 client reads to the end of the connection
    }
    StringBuilder sb = new StringBuilder(512);
    sb.append("HTTP/1.1 ").append(status).append(' ').append(Reasons.of(status)).append("\r\n");
    for (Headers.Field f : response.headers().fields()) {
      sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
    }
    if (length.isPresent() && status != 204 && status >= 200) {
      sb.append("Content-Length: ").append(length.getAsLong()).append("\r\n");
    }
    if (chunked) {
      sb.append("Transfer-Encoding: chunked\r\n");
    }
    if (close) {
      sb.append("Connection: close\r\n");
    }
    sb.append("\r\n");
    synchronized (writeLock) {
      out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (hasBody) {
        writeBody(response.body(), length, chunked);
      }
      out.flush();
    }
    return !close;
  }

  private void writeBody(InputStream body, OptionalLong length, boolean chunked)
      throws IOException {
    OutputStream target = chunked ? new ChunkedOutputStream(out) : out;
    long remaining = length.orElse(Long.MAX_VALUE);
    byte[] buf = new byte[BUFFER];
    while (remaining > 0) {
      int n = body.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        break;
      }
      target.write(buf, 0, n);
      remaining -= n;
      if (body.available() == 0) {
        target.flush(); // stream what has arrived rather than wait for a full buffer
      }
    }
    if (length.isPresent() && remaining > 0) {
      // The body ended short of its Content-Length: close, so the client sees it incomplete.
      throw new IOException("response body ended " + remaining + " bytes short");
    }
    if (chunked) {
      ((ChunkedOutputStream) target).finish();
    }
  }

  /** Answers a request the listener refused, and asks to close. */
  private void answerError(int status, String message) {
    byte[] body =
        (status + " " + Reasons.of(status) + ": " + message + "\n")
            .getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + Reasons.of(status)
            + "\r\nDate: "
            + HttpDate.format(Instant.now())
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    try {
      synchronized (writeLock) {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not answer " + status + " to " + socket, e);
    }
  }

  /** True while waiting for (or reading) the head of the next request. */
  boolean isIdle() {
    return idle;
  }

  /** Closes the socket, ending whatever the connection is doing. */
  void abort() {
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "close failed", e);
    }
  }
}
