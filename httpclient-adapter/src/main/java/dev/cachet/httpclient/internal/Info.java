package dev.cachet.httpclient.internal;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;

/** The status line and headers a {@code BodyHandler} sees. */
record Info(int statusCode, LazyHeaders lazyHeaders, HttpClient.Version version)
    implements HttpResponse.ResponseInfo {

  @Override
  public HttpHeaders headers() {
    return lazyHeaders.get();
  }
}
