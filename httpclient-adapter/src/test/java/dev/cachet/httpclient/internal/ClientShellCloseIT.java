package dev.cachet.httpclient.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheEngine;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the cache while a request is under way: the client it built is closed only once that
 * request is answered, and never on a thread the caller needs to read its body (on Java 21 and
 * later the JDK client's close waits until the bodies it delivered are read).
 */
class ClientShellCloseIT {
  private final CountDownLatch requestArrived = new CountDownLatch(1);
  private final CountDownLatch mayAnswer = new CountDownLatch(1);
  private final ServerSocket origin = origin();
  private final ExecutorService caller =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "caller"));

  /** An origin on a raw socket that answers one request when the test lets it. */
  private ServerSocket origin() {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  int matched = 0;
                  while (matched < 4) { // up to the blank line that ends the request head
                    int b = in.read();
                    if (b < 0) {
                      return;
                    }
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                  }
                  requestArrived.countDown();
                  mayAnswer.await(10, TimeUnit.SECONDS);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nCache-Control: max-age=60\r\n\r\nbody")
                          .getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  s.getInputStream().read(); // until the client closes the connection
                } catch (IOException | InterruptedException e) {
                  // The test has ended.
                }
              },
              "origin");
      t.setDaemon(true);
      t.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    caller.shutdownNow();
    try {
      origin.close();
    } catch (IOException ignored) {
      // Closing the test's origin.
    }
  }

  @Test
  void closingWhileASendIsUnderWay_closesTheBuiltClient_afterTheAnswer_offTheCallersThread()
      throws Exception {
    Recording client = new Recording(HttpClient.newHttpClient());
    ClientShell shell =
        new ClientShell(
            new WrappedClient(
                client, true, Optional.empty(), HttpClient.Redirect.NEVER, Duration.ofMinutes(1)),
            CacheEngine.newBuilder(MemoryStorage.newBuilder().build()).ownsStorage(true).build());
    URI uri = URI.create("http://127.0.0.1:" + origin.getLocalPort() + "/a");
    Future<HttpResponse<InputStream>> sent =
        caller.submit(
            () -> shell.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofInputStream()));
    assertThat(requestArrived.await(10, TimeUnit.SECONDS)).isTrue();

    shell.close();

    assertThat(shell.isClosed()).isTrue();
    assertThat(shell.isTerminated()).isFalse();
    assertThat(client.closedBy).isNotDone();
    mayAnswer.countDown();
    try (InputStream body = sent.get(10, TimeUnit.SECONDS).body()) {
      assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("body");
    }
    assertThat(shell.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(client.closedBy.get(10, TimeUnit.SECONDS)).isEqualTo("cachet-close");
  }

  @Test
  void closingWithNothingUnderWay_shutsDownAtOnce() throws Exception {
    Recording client = new Recording(HttpClient.newHttpClient());
    ClientShell shell =
        new ClientShell(
            new WrappedClient(
                client, true, Optional.empty(), HttpClient.Redirect.NEVER, Duration.ofMinutes(1)),
            CacheEngine.newBuilder(MemoryStorage.newBuilder().build()).build());

    shell.close();

    assertThat(shell.isTerminated()).isTrue();
    assertThat(client.closedBy.getNow(null)).isEqualTo(Thread.currentThread().getName());
  }

  /** A JDK client that is {@code AutoCloseable}, as on Java 21, and records who closed it. */
  static final class Recording extends HttpClient implements AutoCloseable {
    final CompletableFuture<String> closedBy = new CompletableFuture<>();
    private final HttpClient delegate;

    Recording(HttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public void close() {
      closedBy.complete(Thread.currentThread().getName());
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
      return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
      return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
      return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return delegate.authenticator();
    }

    @Override
    public Version version() {
      return delegate.version();
    }

    @Override
    public Optional<java.util.concurrent.Executor> executor() {
      return delegate.executor();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
        throws IOException, InterruptedException {
      return delegate.send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, BodyHandler<T> handler) {
      return delegate.sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
        HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> push) {
      return delegate.sendAsync(request, handler, push);
    }
  }
}
