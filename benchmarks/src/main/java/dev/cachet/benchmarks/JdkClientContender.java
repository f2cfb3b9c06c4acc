package dev.cachet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.util.List;

/**
 * A contender that is a {@link java.net.http.HttpClient}: the plain JDK client, Methanol and
 * Cachet's {@code CachingHttpClient} are all used through the same {@code send} call with {@link
 * HttpResponse.BodyHandlers#ofByteArray()}.
 */
final class JdkClientContender implements Contender {
  private static final BodyHandler<byte[]> BYTES = HttpResponse.BodyHandlers.ofByteArray();

  private final HttpClient client;
  private final HttpRequest[] requests;
  private final boolean caches;
  private final AutoCloseable onClose;
  private final Settle settle;

  /** Work a contender can wait for; see {@link Contender#settle()}. */
  interface Settle {
    void await() throws IOException;
  }

  JdkClientContender(HttpClient client, List<URI> uris, boolean caches, AutoCloseable onClose) {
    this(client, uris, caches, onClose, null);
  }

  /** As above, with deferred work to wait for, or null when there is none. */
  JdkClientContender(
      HttpClient client, List<URI> uris, boolean caches, AutoCloseable onClose, Settle settle) {
    this.client = client;
    this.requests =
        uris.stream().map(u -> HttpRequest.newBuilder(u).build()).toArray(HttpRequest[]::new);
    this.caches = caches;
    this.onClose = onClose;
    this.settle = settle;
  }

  @Override
  public byte[] get(int index) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(requests[index], BYTES);
    if (response.statusCode() != 200) {
      throw new IOException("status " + response.statusCode() + " for " + requests[index].uri());
    }
    return response.body();
  }

  @Override
  public boolean caches() {
    return caches;
  }

  @Override
  public boolean defersWork() {
    return settle != null;
  }

  @Override
  public void settle() throws IOException {
    if (settle != null) {
      settle.await();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      onClose.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** A JDK client for the benchmarks: HTTP/1.1 (the origin speaks nothing else), no redirects. */
  static HttpClient.Builder plainBuilder() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
  }
}
