package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.RequestFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One response's caching policy, in the style of the http-cache-semantics libraries: is it
 * storable, how long is it fresh, may it answer a new request, and what does a revalidation
 * response change (RFC 9111 §3, §4). Built on the same rules as the state machine ({@link
 * IdleClient} and the states that follow), so the two APIs cannot disagree. Immutable.
 *
 * <pre>{@code
 * CachePolicy policy = CachePolicy.of(request, response, sentAt, receivedAt);
 * if (policy.isStorable()) store(policy, body);
 * // later
 * switch on policy.beforeRequest(newRequest, now):
 *   Fresh f   -> serve stored body with f.headers()
 *   Stale s   -> send a request with s.revalidationHeaders(), then policy.afterResponse(...)
 * }</pre>
 */
public final class CachePolicy {
  private static final UUID POLICY_ID = new UUID(0, 0);

  private final StoredPair pair;
  private final CacheOptions options;
  private final Optional<Reason> notStorable;

  private CachePolicy(StoredPair pair, CacheOptions options, Optional<Reason> notStorable) {
    this.pair = pair;
    this.options = options;
    this.notStorable = notStorable;
  }

  /**
   * {@return the policy of a response for a private cache with default options}
   *
   * @param request the request that was sent
   * @param response the response received
   * @param requestTime when the request was sent
   * @param responseTime when the response was received
   */
  public static CachePolicy of(
      Request request, Response response, Instant requestTime, Instant responseTime) {
    return of(request, response, requestTime, responseTime, CacheOptions.defaults());
  }

  /**
   * {@return the policy of a response to a request}
   *
   * @param requestTime when the request was sent
   * @param responseTime when the response was received
   * @param request the request that was sent
   * @param response the response received
   * @param options the cache's options
   */
  public static CachePolicy of(
      Request request,
      Response response,
      Instant requestTime,
      Instant responseTime,
      CacheOptions options) {
    requireNonNull(request, "request");
    requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
    requireNonNull(options, "options");
    CacheMiss miss =
        new CacheMiss(
            options,
            request,
            CacheStatus.forwarded(CacheStatus.Forward.URI_MISS),
            Rule.R4_01.reason("new response"));
    CacheMiss.Next next = miss.next(response, requestTime, responseTime, POLICY_ID);
    if (next instanceof StoreAndUse store) {
      return new CachePolicy(store.pair(), options, Optional.empty());
    }
    Reason reason;
    if (next instanceof CouldNotBeStored no) {
      reason = no.reason();
    } else if (next instanceof InvalidatePairs inv && inv.next() instanceof CouldNotBeStored no) {
      reason = no.reason();
    } else {
      throw new AssertionError(next);
    }
    StoredPair unstored =
        new StoredPair(
            POLICY_ID,
            request.key(),
            request,
            Storability.storedForm(response, options),
            requestTime,
            responseTime);
    return new CachePolicy(unstored, options, Optional.of(reason));
  }

  /** {@return true when a cache may store the response (RFC 9111 §3)} */
  public boolean isStorable() {
    return notStorable.isEmpty();
  }

  /** {@return why the response may not be stored; empty when it may} */
  public Optional<Reason> notStorableReason() {
    return notStorable;
  }

  /** {@return the request and response as a cache would store them (hop-by-hop fields removed)} */
  public StoredPair pair() {
    return pair;
  }

  /**
   * {@return the freshness lifetime (RFC 9111 §4.2.1), as the options' override rules make it
   * (OV-01..OV-04)}
   */
  public Duration freshnessLifetime() {
    ResponseControl rc = ResponseControl.of(pair.response(), options);
    return Duration.ofMillis(
        Overrides.lifetime(options, pair.request(), rc, pair.responseTimeMillis()).millis());
  }

  /**
   * {@return the current age (RFC 9111 §4.2.3)}
   *
   * @param now the current time
   */
  public Duration age(Instant now) {
    return Duration.ofMillis(Age.currentAgeMillis(pair, requireNonNull(now, "now")));
  }

  /**
   * {@return how long the response stays fresh from {@code now}; zero when stale or not storable
   * (RFC 9111 §4.2)}
   *
   * @param now the current time
   */
  public Duration timeToLive(Instant now) {
    if (!isStorable()) {
      return Duration.ZERO;
    }
    Duration ttl = freshnessLifetime().minus(age(now));
    return ttl.isNegative() ? Duration.ZERO : ttl;
  }

  /**
   * May the stored response answer a new request? (RFC 9111 §4)
   *
   * @param newRequest the new request
   * @param now the current time
   * @return {@link Fresh} with the headers to serve, {@link Stale} with the headers of the
   *     conditional request to send, or {@link Unusable}
   */
  public BeforeRequest beforeRequest(Request newRequest, Instant now) {
    requireNonNull(newRequest, "newRequest");
    requireNonNull(now, "now");
    if (!isStorable()) {
      return new Unusable(notStorable.get());
    }
    // The policy answers with headers and a status only, with no way to name a slice of the body:
    // it answers Range requests with the whole response (RFC 9110 §14.2 allows it).
    CacheOptions whole =
        options.partialContent() ? options.toBuilder().partialContent(false).build() : options;
    IdleClient.Next next = IdleClient.of(whole).next(newRequest, List.of(pair), now);
    if (next instanceof FromCache hit) {
      if (hit.pair().isEmpty()) {
        return new Unusable(hit.reason().orElseThrow());
      }
      return new Fresh(hit.response().headers(), hit.response().status());
    } else if (next instanceof NeedRevalidation rev) {
      return new Stale(rev.conditionalRequest().headers(), Optional.empty(), rev.reason());
    } else if (next instanceof StaleWhileRevalidate swr) {
      return new Stale(
          swr.revalidate().conditionalRequest().headers(),
          Optional.of(swr.serve().response().headers()),
          swr.serve().reason().orElseThrow());
    } else if (next instanceof CacheMiss miss) {
      return new Unusable(miss.reason());
    }
    throw new AssertionError(next);
  }

  /**
   * Takes the origin's response to a revalidation request.
   *
   * @param revalidationRequest the request that was sent
   * @param response the origin's response
   * @param requestTime when the revalidation request was sent
   * @param responseTime when the response was received
   * @return {@link NotModified} with the freshened policy and the headers to serve with the stored
   *     body (RFC 9111 §4.3.4), {@link Modified} with the new response's policy (§4.3.3), or {@link
   *     ServerError} when a 5xx says nothing about the stored response, which stays (O-07; §4.3.3,
   *     RFC 5861 §4)
   */
  public AfterResponse afterResponse(
      Request revalidationRequest, Response response, Instant requestTime, Instant responseTime) {
    requireNonNull(revalidationRequest, "revalidationRequest");
    requireNonNull(response, "response");
    NeedRevalidation rev =
        NeedRevalidation.of(options, withoutPreconditions(revalidationRequest), pair);
    NeedRevalidation.Next next = rev.next(response, requestTime, responseTime, POLICY_ID);
    if (response.status() >= 500) {
      // The state machine keeps the stored responses on a 5xx (V-04) and may serve one stale.
      Optional<Headers> stale =
          next instanceof FromCache fc ? Optional.of(fc.response().headers()) : Optional.empty();
      return new ServerError(this, stale);
    }
    if (next instanceof NeedToBeUpdated update) {
      Headers served = update.next().response().headers();
      if (update.updated().isEmpty()) {
        // SEC-01, §3.5: the freshened response may not be kept for everyone; serve it once.
        StoredPair merged =
            new StoredPair(
                POLICY_ID,
                pair.key(),
                pair.request(),
                pair.response().withHeaders(served.without("Age")),
                requestTime,
                responseTime);
        return new NotModified(new CachePolicy(merged, options, update.next().reason()), served);
      }
      StoredPair fresh = update.updated().get(0);
      return new NotModified(new CachePolicy(fresh, options, Optional.empty()), served);
    }
    Request plain = withoutPreconditions(revalidationRequest);
    return new Modified(of(plain, response, requestTime, responseTime, options));
  }

  /**
   * {@return {@link #afterResponse(Request, Response, Instant, Instant)} with one instant for both}
   *
   * @param revalidationRequest the request that was sent
   * @param response the origin's response
   * @param now when the request was sent and the response received
   */
  public AfterResponse afterResponse(Request revalidationRequest, Response response, Instant now) {
    return afterResponse(revalidationRequest, response, now, now);
  }

  private static Request withoutPreconditions(Request r) {
    RequestFacts facts = Request.factsOf(r.headers());
    return facts.isConditional()
        ? r.withHeaders(r.headers().without("If-None-Match", "If-Modified-Since"))
        : r;
  }

  /** The answer of {@link #beforeRequest}. */
  public sealed interface BeforeRequest permits Fresh, Stale, Unusable {}

  /**
   * The stored response may be served as is.
   *
   * @param headers the headers to serve, with {@code Age}
   * @param status the status to serve (304 when the request's own conditions match)
   */
  public record Fresh(Headers headers, int status) implements BeforeRequest {}

  /**
   * The stored response must be revalidated first (or may be served while revalidating).
   *
   * @param revalidationHeaders the headers of the conditional request to send (V-01): every field
   *     of the new request as given, except its own {@code If-None-Match} and {@code
   *     If-Modified-Since}, which are replaced by the stored responses' entity tags and {@code
   *     Last-Modified}. Hop-by-hop fields ({@code Connection} and those it names, RFC 9110 §7.6.1)
   *     are passed through too: removing them is the job of the intermediary that forwards the
   *     request, which knows its own connections
   * @param serveWhileRevalidating the headers to serve now under {@code stale-while-revalidate}
   * @param reason why it is stale
   */
  public record Stale(
      Headers revalidationHeaders, Optional<Headers> serveWhileRevalidating, Reason reason)
      implements BeforeRequest {}

  /**
   * The stored response cannot answer this request at all (other URI or method, Vary mismatch,
   * {@code only-if-cached} with a stale response, or not storable).
   *
   * @param reason why
   */
  public record Unusable(Reason reason) implements BeforeRequest {}

  /** The answer of {@link #afterResponse}. */
  public sealed interface AfterResponse permits Modified, NotModified, ServerError {
    /** {@return the policy to keep from now on} */
    CachePolicy policy();
  }

  /**
   * The origin sent a new response; it replaces the stored one.
   *
   * @param policy the new response's policy
   */
  public record Modified(CachePolicy policy) implements AfterResponse {}

  /**
   * The stored response is still valid; serve it with the freshened headers.
   *
   * @param policy the freshened policy
   * @param headers the headers to serve with the stored body
   */
  public record NotModified(CachePolicy policy, Headers headers) implements AfterResponse {}

  /**
   * The origin answered the revalidation with a server error (5xx): the stored response stays as it
   * was (O-07, RFC 9111 §4.3.3). Forward the error, or, when {@code stale-if-error} allows it (RFC
   * 5861 §4), serve the stored body with {@link #staleHeaders()}.
   *
   * @param policy the stored response's policy, unchanged
   * @param staleHeaders the headers to serve the stale stored response with, when allowed
   */
  public record ServerError(CachePolicy policy, Optional<Headers> staleHeaders)
      implements AfterResponse {}
}
