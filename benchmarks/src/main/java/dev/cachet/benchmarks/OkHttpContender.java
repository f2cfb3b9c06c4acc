package dev.cachet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import okhttp3.Cache;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** OkHttp 4 with its disk {@link Cache} (OkHttp 4 has no in-memory cache). */
final class OkHttpContender implements Contender {
  private final OkHttpClient client;
  private final Cache cache;
  private final Request[] requests;

  private OkHttpContender(OkHttpClient client, Cache cache, List<URI> uris) {
    this.client = client;
    this.cache = cache;
    this.requests =
        uris.stream()
            .map(u -> new Request.Builder().url(u.toString()).build())
            .toArray(Request[]::new);
  }

  static OkHttpContender open(List<URI> uris, Path dir) {
    Cache cache = new Cache(dir.toFile(), Contenders.MAX_DISK_BYTES);
    OkHttpClient client = new OkHttpClient.Builder().cache(cache).build();
    return new OkHttpContender(client, cache, uris);
  }

  @Override
  public byte[] get(int index) throws IOException {
    try (Response response = client.newCall(requests[index]).execute()) {
      if (response.code() != 200) {
        throw new IOException("status " + response.code() + " for " + requests[index].url());
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw new IOException("no body for " + requests[index].url());
      }
      return body.bytes();
    }
  }

  @Override
  public boolean caches() {
    return true;
  }

  @Override
  public void close() throws IOException {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    cache.close();
  }
}
