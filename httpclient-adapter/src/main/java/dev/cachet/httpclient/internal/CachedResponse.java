package dev.cachet.httpclient.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/** The response the caller receives, from storage or from the origin with the cache's fields. */
record CachedResponse<T>(
    int statusCode,
    LazyHeaders lazyHeaders,
    @Nullable T body,
    HttpRequest request,
    Optional<HttpResponse<T>> previousResponse,
    Optional<SSLSession> sslSession,
    URI uri,
    HttpClient.Version version)
    implements HttpResponse<T> {

  @Override
  public HttpHeaders headers() {
    return lazyHeaders.get();
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + uri + ") " + statusCode;
  }
}
