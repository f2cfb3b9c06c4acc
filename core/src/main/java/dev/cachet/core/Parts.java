package dev.cachet.core;

import dev.cachet.core.internal.Directives;
import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Partial entries (RFC 9111 §3.3, §3.4): serving a range from the parts stored (P-05) and storing a
 * {@code 206} as a part (P-04, P-05).
 *
 * <p>A request the stored parts do not cover goes to the origin with its own {@code Range},
 * unchanged: the origin's {@code 206} answers the caller as is, with no stitching of stored and new
 * bytes, and its part is combined with the stored ones. Parts are served only while fresh and when
 * the request carries no cache directives or conditions of its own; anything else goes to the
 * origin.
 */
final class Parts {
  private Parts() {}

  /**
   * P-05: answers a {@code Range} request that found no complete stored response from the partial
   * entries of its key, or says why not.
   *
   * @param miss the miss the complete stored responses led to
   */
  static IdleClient.Next fromPartial(
      CacheOptions options,
      Request request,
      List<PartialEntry> partials,
      Instant now,
      CacheMiss miss) {
    if (!options.partialContent() || !RangeRequests.asksForRange(request) || partials.isEmpty()) {
      return miss;
    }
    RequestFacts req = Request.factsOf(request.headers());
    Directives rcc = req.cacheControl();
    if (rcc.has("no-cache")
        || rcc.has("max-age")
        || rcc.has("min-fresh")
        || rcc.has("max-stale")
        || rcc.has("only-if-cached")
        || req.pragmaNoCache()
        || req.isConditional()
        || Storability.makesOwnPreconditions(request)) {
      return miss;
    }
    CacheKey key = request.key();
    PartialEntry selected = null;
    for (PartialEntry e : partials) {
      StoredPair p = e.pair();
      if (!p.key().equals(key)
          || !p.request().method().equals("GET")
          || !VaryMatcher.matches(p, request)) {
        continue;
      }
      if (options.shared()
          && !req.authorization()
          && p.request().headers().contains("Authorization")
          && !ResponseControl.of(p.response(), options).allowsSharedAuthorized()) {
        continue; // S3-11
      }
      if (selected == null || Validators.NEWEST_FIRST.compare(p, selected.pair()) < 0) {
        selected = e;
      }
    }
    if (selected == null) {
      return miss;
    }
    StoredPair pair = selected.pair();
    ResponseControl rc = ResponseControl.of(pair.response(), options);
    long age = Age.currentAgeMillis(pair, now);
    long lifetime = rc.lifetimeMillis(pair.responseTimeMillis());
    if (rc.noCache() || lifetime <= age) {
      return new CacheMiss(
          options, request, miss.status(), Rule.P_05.reason("the stored parts are stale"));
    }
    RangeRequests.Outcome asked =
        RangeRequests.evaluate(request, pair.response(), selected.completeLength());
    if (asked instanceof RangeRequests.Slice s
        && !selected.present().covers(s.range().offset(), s.range().length())) {
      return new CacheMiss(
          options,
          request,
          miss.status(),
          Rule.P_05.reason("the stored parts " + selected.present() + " lack the range"));
    }
    if (asked instanceof RangeRequests.Whole) {
      return new CacheMiss(
          options,
          request,
          miss.status(),
          Rule.P_05.reason("the whole representation is asked for"));
    }
    // A Slice the parts cover, or a range beyond the representation (416): answered from the parts.
    return Serving.fromPair(
        options,
        request,
        req,
        pair,
        rc,
        age,
        lifetime,
        CacheStatus.hit(0),
        Optional.empty(),
        false);
  }

  /**
   * P-04, P-05: the {@code 206} a {@code GET} with {@code Range} received on a miss, as a part of a
   * partial entry; empty when it may not be stored as one (the caller then handles it as any other
   * response, which never stores a {@code 206}, S3-03, P-06).
   *
   * <p>Stored only: a single part whose {@code Content-Range} gives the complete length, whose
   * {@code Content-Length} (when sent) is the part's, with a strong validator (a strong entity tag,
   * or a {@code Last-Modified} 60 seconds before {@code Date}, RFC 9110 §8.8.2.2), and that would
   * be stored as a {@code 200} by every rule of §3 for the request without {@code Range} and {@code
   * If-Range}. It joins the stored entry of the same variant, strong validator and length (§3.4);
   * other entries of the variant describe another representation and are replaced.
   */
  static Optional<StorePart> storePart(
      CacheOptions options,
      Request request,
      RequestFacts req,
      Response response,
      Instant requestTime,
      Instant responseTime,
      UUID newPairId,
      CacheStatus status,
      List<PartialEntry> partials) {
    if (!options.partialContent()
        || response.status() != 206
        || !RangeRequests.asksForRange(request)
        || Storability.makesOwnPreconditions(request)) {
      return Optional.empty();
    }
    List<String> ranges = response.headers().allValues("Content-Range");
    if (ranges.size() != 1) {
      return Optional.empty();
    }
    Optional<ContentRange> parsed = ContentRange.parse(ranges.get(0));
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    ContentRange part = parsed.get();
    if (response.facts().contentLength().isPresent()
        && response.facts().contentLength().getAsLong() != part.length()) {
      return Optional.empty(); // S3-10: a part whose framing disagrees is not trusted
    }
    Optional<String> validator = RangeRequests.strongValidator(response);
    if (validator.isEmpty()) {
      return Optional.empty();
    }
    Response whole =
        Response.of(
            200,
            response
                .headers()
                .without("Content-Range")
                .with("Content-Length", Long.toString(part.completeLength())));
    Request plain = request.withHeaders(request.headers().without("Range", "If-Range"));
    RequestFacts plainFacts = Request.factsOf(plain.headers());
    if (Storability.whyNot(plain, plainFacts, whole, options, Age.millis(responseTime))
        .isPresent()) {
      return Optional.empty();
    }
    Response stored = Storability.storedForm(whole, options);
    CacheKey key = CacheKey.of(request.uri());
    PartialEntry joined = null;
    List<StoredPair> replaced = new ArrayList<>(0);
    for (PartialEntry e : partials) {
      StoredPair p = e.pair();
      if (!p.key().equals(key) || !VaryMatcher.matches(p, plain)) {
        continue;
      }
      boolean same =
          joined == null
              && e.completeLength() == part.completeLength()
              && Objects.equals(RangeRequests.strongValidator(p.response()), validator);
      if (same) {
        joined = e;
      } else {
        replaced.add(p);
      }
    }
    UUID id = joined == null ? newPairId : joined.pair().id();
    StoredPair pair = new StoredPair(id, key, plain, stored, requestTime, responseTime);
    ByteRangeSet before = joined == null ? ByteRangeSet.empty() : joined.present();
    boolean completes = before.plus(part.offset(), part.length()).coversAll(part.completeLength());
    ResponseControl rc = ResponseControl.of(stored, options);
    long ttl =
        Math.floorDiv(
            rc.lifetimeMillis(Age.millis(responseTime)) - Age.currentAgeMillis(pair, responseTime),
            1000);
    Response returned = response.withHeaders(Fields.withoutHopByHop(response.headers()));
    return Optional.of(
        new StorePart(
            options,
            pair,
            part,
            Optional.ofNullable(joined),
            replaced,
            completes,
            returned,
            status.withFwdStatus(206).withStored().withTtl(ttl)));
  }
}
