package dev.cachet.storage.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

/** Pairs for the tests of the file store's parts, and their storing. */
final class Pairs {
  private Pairs() {}

  /** A pair of a GET of {@code uri}, a 200 with these response fields, stored at the epoch. */
  static StoredPair of(String uri, UUID id, String... responseFields) {
    URI u = URI.create(uri);
    return new StoredPair(
        id,
        CacheKey.of(u),
        Request.get(u),
        Response.of(200, Headers.of(responseFields)),
        Instant.EPOCH,
        Instant.EPOCH);
  }

  /** Stores a pair with a body of three bytes. */
  static void store(Storage s, StoredPair p) throws IOException {
    try (BodyWriter w = s.newWriter(p)) {
      w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      w.commit();
    }
  }
}
