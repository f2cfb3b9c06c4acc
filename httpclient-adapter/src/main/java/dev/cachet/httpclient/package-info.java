/**
 * {@link dev.cachet.httpclient.CachingHttpClient}, a {@link java.net.http.HttpClient} that caches
 * responses as RFC 9111 says, with its statistics ({@link dev.cachet.engine.CacheStatistics}) and
 * its listener ({@link dev.cachet.engine.CacheListener}).
 *
 * <pre>{@code
 * CachingHttpClient client = CachingHttpClient.newBuilder()
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .build();
 * HttpResponse<String> r = client.send(request, BodyHandlers.ofString());
 * r.headers().firstValue("Cache-Status"); // Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60
 * }</pre>
 */
@NullMarked
package dev.cachet.httpclient;

import org.jspecify.annotations.NullMarked;
