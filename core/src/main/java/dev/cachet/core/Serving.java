package dev.cachet.core;

import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Builds the terminal outcomes shared by several states. */
final class Serving {
  private Serving() {}

  /**
   * A response served from a stored pair (RFC 9111 §4): the stored headers with {@code Age} (R4-02,
   * D-01), without the fields qualified {@code no-cache} names unless just validated (S3-09), as a
   * 304 when the client's own conditions match (V-06), and without body for HEAD (K-02).
   */
  static FromCache fromPair(
      CacheOptions options,
      Request request,
      RequestFacts req,
      StoredPair pair,
      Instant now,
      CacheStatus status,
      Optional<Reason> reason,
      boolean validated) {
    ResponseControl rc = ResponseControl.of(pair.response(), options);
    long ageMillis = Age.currentAgeMillis(pair, now);
    long lifetimeMillis =
        Overrides.lifetime(options, request, rc, pair.responseTimeMillis()).millis();
    return fromPair(
        options, request, req, pair, rc, ageMillis, lifetimeMillis, status, reason, validated);
  }

  /** As above, with the pair's control, current age and lifetime already computed for now. */
  static FromCache fromPair(
      CacheOptions options,
      Request request,
      RequestFacts req,
      StoredPair pair,
      ResponseControl rc,
      long ageMillis,
      long lifetimeMillis,
      CacheStatus status,
      Optional<Reason> reason,
      boolean validated) {
    long ttlSeconds = Math.floorDiv(lifetimeMillis - ageMillis, 1000);
    Headers h = pair.response().headers();
    if (!validated) {
      h = Fields.without(h, rc.noCacheFields());
    }
    h = h.with("Age", Age.fieldValue(ageMillis));
    Response response = pair.response().withHeaders(h);
    boolean body = !request.method().equals("HEAD");
    // The stored response's parsed fields serve for the client's conditions: Age and the fields
    // removed above change no validator, and a fresh Response would parse every field again.
    if (Validators.clientConditionMatches(req, pair)) {
      response = Validators.notModifiedFrom(response);
      body = false;
    }
    return new FromCache(
        options, response, Optional.of(pair), body, status.withTtl(ttlSeconds), reason);
  }

  /** R4-08: the 504 a cache answers when {@code only-if-cached} finds nothing it may use. */
  static FromCache gatewayTimeout(CacheOptions options, Reason why) {
    Reason reason = Rule.R4_08.reason("only-if-cached and " + why.phrase());
    Response response = Response.of(504, Headers.of("Content-Length", "0"));
    CacheStatus status =
        new CacheStatus(
                false,
                Optional.empty(),
                java.util.OptionalInt.empty(),
                java.util.OptionalLong.empty(),
                false,
                false,
                Optional.empty())
            .withDetail(reason.toString());
    return new FromCache(options, response, Optional.empty(), false, status, Optional.of(reason));
  }

  /**
   * Store or not (RFC 9111 §3), after a response from the origin: {@link StoreAndUse} with a new
   * pair, or {@link CouldNotBeStored} with the reason.
   */
  static InvalidatePairs.Next storeOrNot(
      CacheOptions options,
      Request request,
      RequestFacts req,
      Response response,
      Instant requestTime,
      Instant responseTime,
      UUID newPairId,
      CacheStatus status) {
    Response returned = response.withHeaders(Fields.withoutHopByHop(response.headers()));
    CacheStatus withFwd = status.withFwdStatus(response.status());
    Optional<Reason> whyNot =
        Storability.whyNot(request, req, response, options, Age.millis(responseTime));
    if (whyNot.isPresent()) {
      return new CouldNotBeStored(
          options, returned, withFwd.withDetail(whyNot.get().toString()), whyNot.get());
    }
    Response stored = Storability.storedForm(response, options);
    // O-04: a POST response kept for later GETs is stored as the answer to a GET of its URI.
    Request as =
        request.method().equals("POST")
            ? new Request("GET", request.uri(), request.headers())
            : request;
    StoredPair pair =
        new StoredPair(
            newPairId, CacheKey.of(request.uri()), as, stored, requestTime, responseTime);
    ResponseControl rc = ResponseControl.of(stored, options);
    long ttl =
        Math.floorDiv(
            Overrides.lifetime(options, request, rc, Age.millis(responseTime)).millis()
                - Age.currentAgeMillis(pair, responseTime),
            1000);
    return new StoreAndUse(options, pair, returned, withFwd.withStored().withTtl(ttl));
  }
}
