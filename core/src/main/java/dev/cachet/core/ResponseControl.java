package dev.cachet.core;

import dev.cachet.core.internal.DeltaSeconds;
import dev.cachet.core.internal.Directives;
import dev.cachet.core.internal.ResponseFacts;
import dev.cachet.core.internal.ResponseFacts.ExpiresState;
import java.util.List;
import java.util.OptionalLong;

/**
 * A stored or received response's directives as one cache must read them: the targeted field it
 * obeys (RFC 9213), shared-cache-only directives, and cargo-cult directives ignored when configured
 * (B-05). Parsed facts come from the response, so building one costs no parsing.
 */
final class ResponseControl {
  final Response response;
  final ResponseFacts facts;
  final Directives cc;
  final CacheOptions options;
  private final boolean cargoCult;

  /**
   * True when {@code Expires} does not count: a targeted field is obeyed instead (RFC 9213 §2.2:
   * the cache "MUST ignore the Cache-Control and Expires header fields"), or it is cargo cult.
   */
  private final boolean ignoreExpires;

  private ResponseControl(
      Response response, Directives cc, boolean targeted, CacheOptions options) {
    this.response = response;
    this.facts = response.facts();
    this.cc = cc;
    this.options = options;
    this.cargoCult =
        options.ignoreCargoCultDirectives() && cc.has("pre-check") && cc.has("post-check");
    this.ignoreExpires = targeted || cargoCult;
  }

  static ResponseControl of(Response response, CacheOptions options) {
    Directives cc = response.facts().cacheControl();
    boolean targeted = false;
    // RFC 9213 §2.2: a cache with a target list (shared or private: the list is its owner's
    // choice) obeys the first listed field that is present and non-empty.
    for (String field : options.targetedFields()) {
      List<String> lines = response.headers().allValues(field);
      if (!lines.isEmpty()) {
        Directives parsed = Directives.parse(lines);
        if (!parsed.isEmpty()) {
          cc = parsed;
          targeted = true;
          break;
        }
      }
    }
    return new ResponseControl(response, cc, targeted, options);
  }

  boolean noStore() {
    return cc.has("no-store") && !cargoCult;
  }

  /**
   * Unqualified {@code no-cache}: no reuse without validation (§5.2.2.4). A qualified form that
   * names no field, or that is repeated with another argument (or none), counts as unqualified: the
   * stricter reading, never the one that fails open.
   */
  boolean noCache() {
    return !cargoCult && unqualified("no-cache");
  }

  /** The fields named by qualified {@code no-cache="..."} (§5.2.2.4), lower-case. */
  List<String> noCacheFields() {
    return cargoCult || unqualified("no-cache") ? List.of() : cc.fieldNames("no-cache");
  }

  /** Present, and without a usable list of field names in every occurrence. */
  private boolean unqualified(String directive) {
    return cc.has(directive)
        && (cc.argument(directive).isEmpty()
            || cc.conflicting(directive)
            || cc.fieldNames(directive).isEmpty());
  }

  boolean mustRevalidate() {
    return cc.has("must-revalidate") && !cargoCult;
  }

  boolean proxyRevalidate() {
    return cc.has("proxy-revalidate");
  }

  boolean isPublic() {
    return cc.has("public");
  }

  /**
   * Unqualified {@code private} (§5.2.2.7), as {@link #noCache()} reads it: {@code private=""}, or
   * {@code private="Set-Cookie", private}, is private.
   */
  boolean isPrivate() {
    return unqualified("private");
  }

  List<String> privateFields() {
    return unqualified("private") ? List.of() : cc.fieldNames("private");
  }

  boolean mustUnderstand() {
    return cc.has("must-understand");
  }

  boolean immutable() {
    return cc.has("immutable");
  }

  boolean hasSMaxAge() {
    return options.shared() && cc.has("s-maxage");
  }

  /**
   * S3-06, S3-11: a directive that lets a shared cache store and reuse a response to a request with
   * {@code Authorization} ({@code must-revalidate}, {@code public}, {@code s-maxage}; §3.5).
   */
  boolean allowsSharedAuthorized() {
    return mustRevalidate() || isPublic() || hasSMaxAge();
  }

  /** True when the response gives explicit freshness (§4.2.1, S3-07). */
  boolean hasExplicitFreshness() {
    return cc.has("max-age")
        || hasSMaxAge()
        || (facts.expires() != ExpiresState.ABSENT && !ignoreExpires);
  }

  /**
   * directives under which a stale response is never served without validation: {@code
   * must-revalidate}, {@code no-cache}, and in a shared cache {@code proxy-revalidate} and {@code
   * s-maxage} (§5.2.2.2, §5.2.2.4, §5.2.2.8, §5.2.2.10).
   */
  boolean forbidsStale() {
    return mustRevalidate()
        || noCache()
        || (options.shared() && (proxyRevalidate() || cc.has("s-maxage")));
  }

  /** A delta-seconds response directive such as {@code stale-while-revalidate}, when valid. */
  OptionalLong seconds(String directive) {
    return cc.seconds(directive);
  }

  /**
   * The freshness lifetime in milliseconds (§4.2.1, F-01..F-05, D-02), clamped to 2^31 seconds
   * (F-07).
   *
   * @param responseTimeMillis used as {@code Date} when the response has none (§4.2.1 and F-06)
   */
  long lifetimeMillis(long responseTimeMillis) {
    return Math.min(lifetimeUnclampedMillis(responseTimeMillis), DeltaSeconds.MAX * 1000);
  }

  private long lifetimeUnclampedMillis(long responseTimeMillis) {
    long dateMillis = facts.dateMillis(responseTimeMillis);
    long explicit;
    if (hasSMaxAge()) {
      // F-01: s-maxage first, in a shared cache. Invalid or duplicated: stale (F-04).
      explicit = cc.seconds("s-maxage").orElse(0) * 1000;
    } else if (cc.has("max-age")) {
      // F-02: max-age overrides Expires. Invalid or duplicated: stale (F-04).
      explicit = cc.seconds("max-age").orElse(0) * 1000;
    } else if (facts.expires() != ExpiresState.ABSENT && !ignoreExpires) {
      // F-03: an invalid Expires means already expired.
      explicit =
          facts.expires() == ExpiresState.VALID
              ? Math.max(0, facts.expiresAtMillis(0) - dateMillis)
              : 0;
    } else {
      explicit = -1;
    }
    long lifetime = explicit >= 0 ? explicit : heuristicMillis(dateMillis);
    if (immutable() && !cc.has("max-age") && !hasSMaxAge()) {
      // D-02: RFC 8246 — an immutable response without max-age lives at least the configured
      // minimum; a longer explicit or heuristic lifetime is kept.
      return Math.max(lifetime, options.immutableMinimumLifetime().toMillis());
    }
    return lifetime;
  }

  /**
   * F-05: heuristic freshness, only for heuristically cacheable statuses or {@code public}: the
   * configured fraction of the time since {@code Last-Modified}, capped (§4.2.2).
   */
  private long heuristicMillis(long dateMillis) {
    if (!(Statuses.isHeuristicallyCacheable(response.status()) || isPublic())) {
      return 0;
    }
    return sinceModifiedMillis(dateMillis);
  }

  /**
   * OV-04: the heuristic lifetime (§4.2.2) whatever the status, for a status an override lists; 0
   * without {@code Last-Modified}.
   */
  long heuristicAnyStatusMillis(long responseTimeMillis) {
    return sinceModifiedMillis(facts.dateMillis(responseTimeMillis));
  }

  private long sinceModifiedMillis(long dateMillis) {
    if (facts.lastModified().isEmpty()) {
      return 0;
    }
    long sinceModified = dateMillis - facts.lastModifiedMillis(0);
    if (sinceModified <= 0) {
      return 0;
    }
    long heuristic = (long) (sinceModified * options.heuristicFraction());
    return Math.min(heuristic, options.heuristicCap().toMillis());
  }
}
