package dev.cachet.engine;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import java.util.Optional;

/**
 * The head of the response a caller receives, as the engine hands it to its {@link ResponseSink}.
 *
 * @param status the status code
 * @param fields the header fields without {@code Cache-Status}: a stored response's, with its
 *     {@code Age}; an origin response's as core returned it (hop-by-hop fields left out)
 * @param cacheStatus what this cache did, for the {@code Cache-Status} field (RFC 9211)
 * @param cacheName the cache's name in {@code Cache-Status}
 * @param pair the stored pair the response was served from, when it was (with the protocol version
 *     its response arrived in, {@link StoredPair#httpVersion()}); a shell may remember per pair
 *     what it builds from the fields
 */
public record ResponseHead(
    int status,
    Headers fields,
    CacheStatus cacheStatus,
    String cacheName,
    Optional<StoredPair> pair) {

  /** Creates a response head. */
  public ResponseHead {
    requireNonNull(fields, "fields");
    requireNonNull(cacheStatus, "cacheStatus");
    requireNonNull(cacheName, "cacheName");
    requireNonNull(pair, "pair");
  }

  /** This cache's member of the {@code Cache-Status} field, e.g. {@code Cachet; hit; ttl=42}. */
  public String cacheStatusValue() {
    return cacheStatus.toFieldValue(cacheName);
  }

  /** The fields with this cache's {@code Cache-Status} member added (RFC 9211 §2). */
  public Headers fieldsWithCacheStatus() {
    return fields.plus("Cache-Status", cacheStatusValue());
  }
}
