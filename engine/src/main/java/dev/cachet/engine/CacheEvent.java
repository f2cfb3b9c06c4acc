package dev.cachet.engine;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheOverride;
import dev.cachet.core.Reason;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the cache did for one look-up, as {@link CacheListener#onOutcome} receives it.
 *
 * @param outcome the kind of outcome
 * @param method the request method
 * @param uri the request's target URI
 * @param statusCode the status code returned to the caller (or, in the background, received); for
 *     {@link Outcome#ORIGIN_ERROR} the status received before the exchange failed, or 0
 * @param cacheStatus this cache's member of the {@code Cache-Status} field (RFC 9211) as sent to
 *     the caller, e.g. {@code Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60}; sent with the
 *     response's head, before the body, its {@code stored} says the cache set out to store the
 *     response
 * @param stored true when the response was stored with its complete body (RFC 9211 §2.5, RFC 9111
 *     §3.3); false when the storage refused it, the body was cut short or too long, or the caller
 *     abandoned it, even if {@code cacheStatus} says {@code stored}
 * @param reason why the response was not stored, not reused or served stale, when the core state
 *     machine gave a reason (e.g. {@code S3-05 private response in a shared cache})
 * @param states the simple names of the core states the exchange went through, in order, e.g.
 *     {@code [IdleClient, CacheMiss, StoreAndUse]}
 * @param background true for a {@code stale-while-revalidate} revalidation run in the background
 */
public record CacheEvent(
    Outcome outcome,
    String method,
    URI uri,
    int statusCode,
    String cacheStatus,
    boolean stored,
    Optional<Reason> reason,
    List<String> states,
    boolean background) {

  /** The kinds of outcome. */
  public enum Outcome {
    /** Answered from storage without contacting the origin (RFC 9111 §4). */
    HIT,
    /** A stale response served at once while a background revalidation runs (RFC 5861 §3). */
    STALE_WHILE_REVALIDATE,
    /** Forwarded to the origin: nothing usable was stored (RFC 9111 §4). */
    MISS,
    /** An unsafe method written through to the origin, invalidating what it changes (§4.4). */
    WRITE_THROUGH,
    /**
     * {@code only-if-cached} found nothing usable: a 504 without contacting the origin (§5.2.1.7).
     */
    GATEWAY_TIMEOUT,
    /** Revalidated: the origin answered 304 and the stored response was served (§4.3.4). */
    NOT_MODIFIED,
    /** Revalidated: the origin sent a new response, which replaced the stored one (§4.3.3). */
    MODIFIED,
    /** Revalidation failed (5xx or no connection) and a stale response was served (RFC 5861 §4). */
    STALE_IF_ERROR,
    /**
     * The exchange with the origin ended in an exception (no connection, reset, timeout, a body
     * that broke off) and nothing stale could be served: the caller received the exception. Counted
     * as the miss or revalidation the look-up was, and in {@link CacheStatistics#originErrors()}.
     */
    ORIGIN_ERROR
  }

  /**
   * True when the response was served from storage only because an override rule or offline mode
   * allowed it (OV-01..OV-06); {@link #reason()} names the rule.
   */
  public boolean override() {
    return reason.isPresent() && CacheOverride.decided(reason.get());
  }

  /** Creates an event. */
  public CacheEvent {
    requireNonNull(outcome, "outcome");
    requireNonNull(method, "method");
    requireNonNull(uri, "uri");
    requireNonNull(cacheStatus, "cacheStatus");
    requireNonNull(reason, "reason");
    states = List.copyOf(states);
  }
}
