package dev.cachet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.cache.CacheConfig;
import org.apache.hc.client5.http.impl.cache.CachingHttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Apache HttpClient 5's classic client with its caching exec chain ({@code httpclient5-cache}):
 * bodies on the heap ({@code HeapResourceFactory}, the builder's default) or in files ({@code
 * setCacheDir}, which uses {@code FileResourceFactory}). Entry count and object size limits are
 * raised so that every benchmark response is cached (the defaults are 1,000 entries of at most 8
 * KiB).
 */
final class ApacheContender implements Contender {
  private final CloseableHttpClient client;
  private final URI[] uris;

  private ApacheContender(CloseableHttpClient client, List<URI> uris) {
    this.client = client;
    this.uris = uris.toArray(URI[]::new);
  }

  static ApacheContender open(List<URI> uris, Path dirOrNull) {
    CacheConfig config =
        CacheConfig.custom()
            .setMaxCacheEntries(Contenders.MAX_ENTRIES)
            .setMaxObjectSize(Contenders.MAX_BODY_BYTES)
            .setHeuristicCachingEnabled(true)
            .setSharedCache(false)
            .build();
    CachingHttpClientBuilder builder = CachingHttpClientBuilder.create().setCacheConfig(config);
    builder.setConnectionManager(
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnPerRoute(16)
            .setMaxConnTotal(16)
            .build());
    if (dirOrNull != null) {
      builder.setCacheDir(dirOrNull.toFile());
      builder.setDeleteCache(true);
    }
    return new ApacheContender(builder.build(), uris);
  }

  @Override
  public byte[] get(int index) throws IOException {
    return client.execute(
        new HttpGet(uris[index]),
        response -> {
          if (response.getCode() != 200) {
            EntityUtils.consume(response.getEntity());
            throw new IOException("status " + response.getCode() + " for " + uris[index]);
          }
          return EntityUtils.toByteArray(response.getEntity());
        });
  }

  @Override
  public boolean caches() {
    return true;
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
