/**
 * Cachet's Micrometer metrics: {@link dev.cachet.micrometer.CachingHttpClientMetrics}, a {@code
 * MeterBinder} for a {@link dev.cachet.httpclient.CachingHttpClient}.
 */
module dev.cachet.micrometer {
  requires static org.jspecify;
  requires transitive dev.cachet.httpclient;
  requires transitive micrometer.core;

  exports dev.cachet.micrometer;
}
