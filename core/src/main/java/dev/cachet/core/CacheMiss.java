package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Nothing stored may answer the request: send {@link #request()} to the origin (RFC 9111 §4). Also
 * the state of every unsafe request, which is written through (R4-03).
 *
 * <p>Transitions: {@link #next} → {@link StoreAndUse} | {@link CouldNotBeStored} | {@link
 * InvalidatePairs} (after a 2xx/3xx response to an unsafe method, I-01, I-02); with the key's
 * partial entries, also {@link StorePart} (a {@code 206} stored as a part, P-04, only with {@link
 * CacheOptions#partialContent()}).
 *
 * @param options the machine's options
 * @param request the request to send to the origin, unchanged
 * @param status the {@code Cache-Status} parameters so far ({@code fwd=uri-miss}, ...)
 * @param reason why the cache could not answer
 */
public record CacheMiss(CacheOptions options, Request request, CacheStatus status, Reason reason)
    implements CacheState, IdleClient.Next, NeedRevalidation.Next {

  /**
   * What may follow a miss: each is a {@link CacheState}, and {@link InvalidatePairs.Next} (stored
   * or not) is one.
   */
  public sealed interface Next extends CacheState, WithParts
      permits StoreAndUse, CouldNotBeStored, InvalidatePairs, InvalidatePairs.Next {}

  /**
   * What may follow a miss when the partial entries of the key take part ({@link #next(Response,
   * Instant, Instant, UUID, List)}): any {@link Next}, or {@link StorePart} (P-04, RFC 9111 §3.3).
   * Each is a {@link CacheState}, so the engine carries it out as any other.
   */
  public sealed interface WithParts extends CacheState permits Next, StorePart {}

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param request the request to send to the origin, unchanged
   * @param status the {@code Cache-Status} parameters so far ({@code fwd=uri-miss}, ...)
   * @param reason why the cache could not answer
   */
  public CacheMiss {
    requireNonNull(options, "options");
    requireNonNull(request, "request");
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
  }

  /**
   * B-03: whether concurrent misses like this one may wait for one origin request instead of each
   * making their own: a {@code GET} that found nothing stored for its URI or variant, whose
   * response may be stored for others — not one the request forbids storing ({@code no-store}), nor
   * one it makes its own ({@code Range} or preconditions the cache did not generate, SEC-04).
   * Whether the request carries a body (never collapsed, SEC-07) is for the I/O side, which sees
   * it.
   *
   * @return true when this miss may share another's origin request
   */
  public boolean collapsible() {
    if (!request.method().equals("GET")) {
      return false;
    }
    Optional<CacheStatus.Forward> fwd = status.fwd();
    if (fwd.isEmpty()
        || !(fwd.get() == CacheStatus.Forward.URI_MISS
            || fwd.get() == CacheStatus.Forward.VARY_MISS)) {
      return false;
    }
    RequestFacts req = Request.factsOf(request.headers());
    return !req.cacheControl().has("no-store") && !Storability.makesItsOwn(request);
  }

  /**
   * Takes the origin's response.
   *
   * @param response the response from the origin (a final response)
   * @param requestTime when the request was sent
   * @param responseTime when the response was received
   * @param newPairId the id of the pair to store, if it is stored
   * @return {@link StoreAndUse}, {@link CouldNotBeStored} or {@link InvalidatePairs}
   */
  public Next next(Response response, Instant requestTime, Instant responseTime, UUID newPairId) {
    requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
    requireNonNull(newPairId, "newPairId");
    RequestFacts req = Request.factsOf(request.headers());
    InvalidatePairs.Next stored =
        Serving.storeOrNot(
            options, request, req, response, requestTime, responseTime, newPairId, status);
    List<CacheKey> keys = Invalidation.keysAfter(request, response);
    if (!keys.isEmpty()) {
      return new InvalidatePairs(options, List.of(), keys, stored);
    }
    return stored;
  }

  /**
   * Takes the origin's response, with the partial entries stored under the request's key, so that a
   * {@code 206} joins the entry of its representation (P-05, RFC 9111 §3.4). With {@link
   * CacheOptions#partialContent()} on, a {@code 206} to a {@code GET} with {@code Range} may lead
   * to {@link StorePart} (P-04); it never leads to {@link StoreAndUse} (P-06).
   *
   * @param response the response from the origin (a final response)
   * @param requestTime when the request was sent
   * @param responseTime when the response was received
   * @param newPairId the id of the pair or new partial entry to store, if one is stored
   * @param partials the partial entries stored under the request's key, in any order
   * @return a {@link StorePart}, or what {@link #next(Response, Instant, Instant, UUID)} returns
   */
  public WithParts next(
      Response response,
      Instant requestTime,
      Instant responseTime,
      UUID newPairId,
      List<PartialEntry> partials) {
    requireNonNull(partials, "partials");
    requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
    requireNonNull(newPairId, "newPairId");
    Optional<StorePart> part =
        Parts.storePart(
            options,
            request,
            Request.factsOf(request.headers()),
            response,
            requestTime,
            responseTime,
            newPairId,
            status,
            List.copyOf(partials));
    if (part.isPresent()) {
      return part.get();
    }
    return next(response, requestTime, responseTime, newPairId);
  }
}
