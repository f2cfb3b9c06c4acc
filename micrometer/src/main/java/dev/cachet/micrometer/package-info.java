/**
 * Micrometer metrics for Cachet's {@link dev.cachet.httpclient.CachingHttpClient}: {@link
 * dev.cachet.micrometer.CachingHttpClientMetrics}.
 */
package dev.cachet.micrometer;
