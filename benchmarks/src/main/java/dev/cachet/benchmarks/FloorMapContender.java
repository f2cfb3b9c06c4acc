package dev.cachet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor: no HTTP semantics at all, a {@code ConcurrentHashMap<URI, byte[]>} look-up. A miss
 * fetches the body with a plain JDK client and puts it; a hit is one {@code get}. No cache that
 * honours RFC 9111 can be cheaper than this, so it bounds what "near the limit" means. With {@code
 * copy}, a hit returns a copy of the body, as a cache must when the caller owns the array it gets
 * (every cache here does; the plain floor hands out its own array).
 */
final class FloorMapContender implements Contender {
  private final ConcurrentHashMap<URI, byte[]> map = new ConcurrentHashMap<>();
  private final URI[] uris;
  private final HttpClient client = JdkClientContender.plainBuilder().build();
  private final boolean copy;

  FloorMapContender(List<URI> uris, boolean copy) {
    this.uris = uris.toArray(URI[]::new);
    this.copy = copy;
  }

  @Override
  public byte[] get(int index) throws IOException, InterruptedException {
    URI uri = uris[index];
    byte[] body = map.get(uri);
    if (body != null) {
      return copy ? body.clone() : body;
    }
    HttpResponse<byte[]> response =
        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("status " + response.statusCode() + " for " + uri);
    }
    map.put(uri, response.body());
    return response.body();
  }

  /** The map itself, for the heap measurement. */
  ConcurrentHashMap<URI, byte[]> map() {
    return map;
  }

  @Override
  public boolean caches() {
    return true;
  }

  @Override
  public void close() {
    map.clear();
  }
}
