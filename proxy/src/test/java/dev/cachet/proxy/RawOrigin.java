package dev.cachet.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An origin on 127.0.0.1 that answers each request head with the exact bytes a function gives, so a
 * test can send what no well-behaved server would: interim responses, a duplicate {@code
 * Content-Length}, a body cut short. One connection at a time; it closes after each response.
 */
final class RawOrigin implements AutoCloseable {
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<String> heads = new CopyOnWriteArrayList<>();

  RawOrigin(Function<String, String> answer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  s.setSoTimeout(10_000);
                  InputStream in = new BufferedInputStream(s.getInputStream());
                  String head = readHead(in);
                  heads.add(head);
                  OutputStream out = s.getOutputStream();
                  String response = answer.apply(head);
                  int pause = response.indexOf("<pause>");
                  if (pause >= 0) {
                    out.write(response.substring(0, pause).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    Thread.sleep(300); // lets the proxy act on the first part alone
                    response = response.substring(pause + "<pause>".length());
                  }
                  out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                } catch (IOException | InterruptedException e) {
                  // the next connection, or closed
                }
              }
            },
            "raw-origin");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    int c;
    while (state < 4 && (c = in.read()) >= 0) {
      b.write(c);
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The request heads received, in order. */
  List<String> heads() {
    return heads;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
