package dev.cachet.engine.internal;

import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StorePart;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * P-05: a partial entry whose parts now cover the whole representation becomes a complete stored
 * response (RFC 9111 §3.4): its bytes are copied into a new pair, which is committed, and the entry
 * is removed. What the storage finds is the truth (another part may have joined meanwhile); if
 * anything fails the entry simply stays partial.
 */
final class PartPromotion {
  private PartPromotion() {}

  static void promote(Parts parts, StorePart part, URI uri) {
    for (PartialEntry entry : parts.storage().findPartial(part.pair().key(), uri)) {
      if (entry.pair().id().equals(part.pair().id()) && entry.isComplete()) {
        copy(parts, entry, uri);
        return;
      }
    }
  }

  private static void copy(Parts parts, PartialEntry entry, URI uri) {
    long length = entry.completeLength();
    Optional<StoredBody> body =
        parts.storage().openBody(entry.pair(), new ContentRange(0, length, length), uri);
    if (body.isEmpty()) {
      return;
    }
    StoredPair whole = entry.asComplete(UUID.randomUUID());
    try (StoredBody in = body.get()) {
      Optional<BodyWriter> writer = parts.storage().newWriter(whole, uri);
      if (writer.isEmpty()) {
        return;
      }
      try (BodyWriter out = writer.get()) {
        for (Optional<ByteBuffer> chunk = in.nextChunk();
            chunk.isPresent();
            chunk = in.nextChunk()) {
          out.write(chunk.get().duplicate());
        }
        out.commit();
      }
    } catch (IOException | RuntimeException e) {
      parts.reporter().storageError(uri, e);
      return;
    }
    parts.storage().remove(List.of(entry.pair()), uri);
    parts.storage().boundVariants(whole, parts.options().maximumVariantsPerKey(), uri);
  }
}
