package dev.cachet.micrometer;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The origin client of a {@code CachingHttpClient}, timing each exchange from the request until its
 * response head: the moment the JDK asks the body handler for a subscriber. Everything else is the
 * wrapped client's.
 */
final class TimedHttpClient extends HttpClient implements AutoCloseable {
  /** Where a timed exchange goes. */
  interface Recorder {
    /**
     * Records one exchange.
     *
     * @param error why there was no response, or null
     */
    void record(String method, int status, @Nullable Throwable error, long nanos);
  }

  private final HttpClient delegate;
  private final Recorder recorder;

  TimedHttpClient(HttpClient delegate, Recorder recorder) {
    this.delegate = delegate;
    this.recorder = recorder;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Exchange exchange = new Exchange(request.method());
    try {
      return delegate.send(request, exchange.timing(handler));
    } catch (IOException | InterruptedException | RuntimeException e) {
      exchange.failed(e);
      throw e;
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler) {
    Exchange exchange = new Exchange(request.method());
    CompletableFuture<HttpResponse<T>> sent = delegate.sendAsync(request, exchange.timing(handler));
    return watched(sent, exchange);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, BodyHandler<T> handler, PushPromiseHandler<T> push) {
    Exchange exchange = new Exchange(request.method());
    CompletableFuture<HttpResponse<T>> sent =
        delegate.sendAsync(request, exchange.timing(handler), push);
    return watched(sent, exchange);
  }

  /**
   * The wrapped client's own future, returned as it is, with the failure recorded beside it: a
   * dependent stage returned instead would not pass a caller's {@code cancel} on to it, and
   * cancelling the JDK's future is what aborts its exchange (Java 16 and later).
   */
  // The dependent stage only records; what becomes of it is nobody's business.
  @SuppressWarnings("FutureReturnValueIgnored")
  private static <T> CompletableFuture<T> watched(CompletableFuture<T> sent, Exchange exchange) {
    sent.whenComplete((r, e) -> exchange.failed(e));
    return sent;
  }

  /** One exchange, recorded once: when its head arrives, or when it fails before that. */
  private final class Exchange {
    private final String method;
    private final long start = System.nanoTime();
    private final AtomicBoolean recorded = new AtomicBoolean();

    Exchange(String method) {
      this.method = method;
    }

    <T> BodyHandler<T> timing(BodyHandler<T> handler) {
      return (ResponseInfo info) -> {
        if (recorded.compareAndSet(false, true)) {
          recorder.record(method, info.statusCode(), null, System.nanoTime() - start);
        }
        return handler.apply(info);
      };
    }

    void failed(@Nullable Throwable error) {
      if (error != null && recorded.compareAndSet(false, true)) {
        recorder.record(method, 0, unwrap(error), System.nanoTime() - start);
      }
    }
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
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
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  /**
   * Closes the wrapped client where it can be closed (Java 21 and later); overrides {@code
   * HttpClient.close()} there.
   */
  @Override
  public void close() {
    if (delegate instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        // HttpClient.close() declares no checked exception.
        throw new IllegalStateException(e);
      }
    }
  }

  /** Overrides {@code HttpClient.shutdown()} on Java 21 and later: the wrapped client's. */
  public void shutdown() {
    invoke("shutdown");
  }

  /** Overrides {@code HttpClient.shutdownNow()} on Java 21 and later: the wrapped client's. */
  public void shutdownNow() {
    invoke("shutdownNow");
  }

  /** Overrides {@code HttpClient.isTerminated()} on Java 21 and later: the wrapped client's. */
  public boolean isTerminated() {
    return (Boolean) invoke("isTerminated");
  }

  /**
   * Overrides {@code HttpClient.awaitTermination(Duration)} on Java 21 and later: the wrapped
   * client's.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    try {
      return (Boolean)
          HttpClient.class.getMethod("awaitTermination", Duration.class).invoke(delegate, duration);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof InterruptedException ie) {
        throw ie;
      }
      throw rethrow(e);
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException("awaitTermination needs Java 21", e);
    }
  }

  /** Calls one of Java 21's lifecycle methods of the wrapped client. */
  private Object invoke(String name) {
    try {
      return HttpClient.class.getMethod(name).invoke(delegate);
    } catch (InvocationTargetException e) {
      throw rethrow(e);
    } catch (ReflectiveOperationException e) {
      throw new UnsupportedOperationException(name + " needs Java 21", e);
    }
  }

  private static RuntimeException rethrow(InvocationTargetException e) {
    if (e.getCause() instanceof RuntimeException re) {
      return re;
    }
    if (e.getCause() instanceof Error err) {
      throw err;
    }
    return new IllegalStateException(e.getCause());
  }

  @Override
  public String toString() {
    return "TimedHttpClient[" + delegate + "]";
  }
}
