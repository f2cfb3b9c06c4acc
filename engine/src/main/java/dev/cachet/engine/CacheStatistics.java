package dev.cachet.engine;

/**
 * A snapshot of a cache engine's counters (the {@code CachingHttpClient}'s, the proxy's) since it
 * was built. Every cache look-up (one per request, and one per redirect hop the client follows) is
 * counted once as a hit, a miss or a revalidation, so {@code requests == hits + misses +
 * revalidations}; this holds for look-ups whose exchange with the origin failed too, which {@code
 * originErrors} counts in addition.
 *
 * @param requests cache look-ups: requests sent through the client, plus redirect hops it followed
 * @param hits look-ups answered from storage without contacting the origin (fresh, or stale where
 *     allowed, including {@code stale-while-revalidate}; RFC 9111 §4, RFC 5861)
 * @param misses look-ups forwarded to the origin without a stored response to validate: nothing
 *     stored, a {@code Vary} mismatch, an uncached or unsafe method, or the 504 of {@code
 *     only-if-cached}
 * @param revalidations look-ups that sent a conditional request (RFC 9111 §4.3.1)
 * @param notModified revalidations answered with 304 Not Modified (RFC 9111 §4.3.4)
 * @param stores responses whose body was stored completely and committed (RFC 9111 §3)
 * @param evictions pairs the storage evicted to stay within its bound
 * @param storageErrors storage calls that failed; each request affected went to the origin
 * @param collapsed requests that waited for another request's origin exchange instead of making
 *     their own (request collapsing)
 * @param backgroundRevalidations revalidations run in the background for {@code
 *     stale-while-revalidate} (RFC 5861 §3); not part of {@code requests}
 * @param originErrors look-ups whose exchange with the origin ended in an exception instead of a
 *     response, with nothing stale to serve instead (connection refused or reset, a timeout, a body
 *     that broke off, a body handler that threw): the caller received the exception. Each is also
 *     counted as the miss or revalidation it was. Background revalidations are not counted here;
 *     {@link CacheListener#onBackgroundRevalidationFailure} hears about them.
 * @param overrides responses served from storage only because an override rule or offline mode of
 *     {@link dev.cachet.core.CacheOptions} allowed it (OV-01..OV-06), each also counted as the hit
 *     or revalidation it was; their {@code Cache-Status} says {@code detail="override …"}
 */
public record CacheStatistics(
    long requests,
    long hits,
    long misses,
    long revalidations,
    long notModified,
    long stores,
    long evictions,
    long storageErrors,
    long collapsed,
    long backgroundRevalidations,
    long originErrors,
    long overrides) {

  /** Statistics without override uses, as before override rules existed. */
  public CacheStatistics(
      long requests,
      long hits,
      long misses,
      long revalidations,
      long notModified,
      long stores,
      long evictions,
      long storageErrors,
      long collapsed,
      long backgroundRevalidations,
      long originErrors) {
    this(
        requests,
        hits,
        misses,
        revalidations,
        notModified,
        stores,
        evictions,
        storageErrors,
        collapsed,
        backgroundRevalidations,
        originErrors,
        0);
  }

  /** The share of look-ups answered from storage, between 0 and 1; 0 before the first request. */
  public double hitRate() {
    return requests == 0 ? 0 : (double) hits / requests;
  }
}
