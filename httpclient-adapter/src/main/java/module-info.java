/**
 * Cachet's drop-in {@link java.net.http.HttpClient}: {@link
 * dev.cachet.httpclient.CachingHttpClient} answers requests from an RFC 9111 cache and forwards the
 * rest to a wrapped client.
 */
module dev.cachet.httpclient {
  requires static org.jspecify;
  requires transitive java.net.http;
  requires transitive dev.cachet.engine;

  exports dev.cachet.httpclient;
}
