/**
 * Micrometer metrics for Cachet's {@link dev.cachet.httpclient.CachingHttpClient}: {@link
 * dev.cachet.micrometer.CachingHttpClientMetrics}.
 */
@NullMarked
package dev.cachet.micrometer;

import org.jspecify.annotations.NullMarked;
