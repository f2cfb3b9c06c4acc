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
 * InvalidatePairs} (after a 2xx/3xx response to an unsafe method, I-01, I-02).
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
  public sealed interface Next extends CacheState
      permits StoreAndUse, CouldNotBeStored, InvalidatePairs, InvalidatePairs.Next {}

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
    RequestFacts req = RequestFacts.parse(request.headers()::allValues);
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
    RequestFacts req = RequestFacts.parse(request.headers()::allValues);
    InvalidatePairs.Next stored =
        Serving.storeOrNot(
            options, request, req, response, requestTime, responseTime, newPairId, status);
    List<CacheKey> keys = Invalidation.keysAfter(request, response);
    if (!keys.isEmpty()) {
      return new InvalidatePairs(options, List.of(), keys, stored);
    }
    return stored;
  }
}
