package dev.cachet.core;

import dev.cachet.core.internal.DeltaSeconds;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the rules of {@link CacheOptions#overrides()} and offline mode change RFC 9111's decisions
 * (OV-01..OV-06). Each change is applied after the RFC's own rules have decided what may be stored
 * at all, so no override reaches a response §3 forbids to store (OV-07); each carries a {@link
 * Reason} with its id, which {@link #marked} puts in {@code Cache-Status}.
 */
final class Overrides {
  /** The section every override reason names: what it departs from. */
  private static final String SECTION = "CacheOptions override of RFC 9111";

  private Overrides() {}

  /**
   * A response's freshness lifetime with the overrides applied.
   *
   * @param millis the lifetime to use
   * @param rfcMillis the lifetime RFC 9111 gives (§4.2.1)
   * @param noCacheLifted true when OV-03 lets an unqualified {@code no-cache} response be reused
   *     without validation while fresh
   * @param by the override that changed the lifetime, if any
   */
  record Lifetime(long millis, long rfcMillis, boolean noCacheLifted, Optional<Reason> by) {

    /** True when the response may be reused without validation at this age, overrides applied. */
    boolean freshAt(long ageMillis, boolean noCache) {
      return (!noCache || noCacheLifted) && millis > ageMillis;
    }

    /** The override a reuse at this age depends on: fresh only because of it. */
    Optional<Reason> reuseDependsOn(long ageMillis, boolean noCache) {
      boolean rfcFresh = !noCache && rfcMillis > ageMillis;
      return by.isPresent() && !rfcFresh && freshAt(ageMillis, noCache) ? by : Optional.empty();
    }

    /** The override that made the response stale at this age (OV-02), when it did. */
    Optional<Reason> staleBecause(long ageMillis, boolean noCache) {
      boolean rfcFresh = !noCache && rfcMillis > ageMillis;
      return by.isPresent() && rfcFresh && !freshAt(ageMillis, noCache) ? by : Optional.empty();
    }
  }

  /** The rule that applies to the request in this cache, if any: the first that matches. */
  static Optional<CacheOverride> rule(CacheOptions options, Request request) {
    for (CacheOverride o : options.overrides()) {
      if (o.matches(request, options.shared())) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  /**
   * The lifetime of {@code rc}'s response when it answers {@code request} (OV-01..OV-04).
   *
   * @param responseTimeMillis when the response was received (§4.2.3)
   */
  static Lifetime lifetime(
      CacheOptions options, Request request, ResponseControl rc, long responseTimeMillis) {
    long rfc = rc.lifetimeMillis(responseTimeMillis);
    if (options.overrides().isEmpty()) {
      return new Lifetime(rfc, rfc, false, Optional.empty());
    }
    Optional<CacheOverride> found = rule(options, request);
    if (found.isEmpty()) {
      return new Lifetime(rfc, rfc, false, Optional.empty());
    }
    CacheOverride rule = found.get();
    if (rc.noCache()) {
      // OV-03: §5.2.2.4 "MUST NOT be used to satisfy any other request without forwarding it for
      // validation": the rule lets it be used for a while first.
      if (rule.noCacheLifetime().isPresent()) {
        long n = millis(rule.noCacheLifetime().get());
        return new Lifetime(
            n,
            rfc,
            true,
            Optional.of(
                Rule.OV_03.reason(
                    SECTION, "no-cache revalidated after " + seconds(n) + " for " + rule)));
      }
      return new Lifetime(rfc, rfc, false, Optional.empty());
    }
    long millis = rfc;
    Optional<Reason> by = Optional.empty();
    if (millis == 0
        && !rc.hasExplicitFreshness()
        && rule.statuses().contains(rc.response.status())) {
      // OV-04: the listed status gets the heuristic freshness of RFC 9110 §15.1's list.
      millis = rc.heuristicAnyStatusMillis(responseTimeMillis);
      if (millis > 0) {
        by =
            Optional.of(
                Rule.OV_04.reason(SECTION, "status " + rc.response.status() + " for " + rule));
      }
    }
    if (rule.minimumLifetime().isPresent() && millis < millis(rule.minimumLifetime().get())) {
      millis = millis(rule.minimumLifetime().get());
      by =
          Optional.of(
              Rule.OV_01.reason(SECTION, "minimum lifetime " + seconds(millis) + " for " + rule));
    }
    if (rule.maximumLifetime().isPresent() && millis > millis(rule.maximumLifetime().get())) {
      millis = millis(rule.maximumLifetime().get());
      by =
          Optional.of(
              Rule.OV_02.reason(SECTION, "maximum lifetime " + seconds(millis) + " for " + rule));
    }
    return new Lifetime(millis, rfc, false, by);
  }

  /** OV-04: the request's rule lists the status, so it is stored as if heuristically cacheable. */
  static boolean cachesStatus(CacheOptions options, Request request, int status) {
    return !options.overrides().isEmpty()
        && rule(options, request).map(r -> r.statuses().contains(status)).orElse(false);
  }

  /**
   * OV-05, OV-06: the override that lets a stale response be served because the origin cannot be
   * reached. Offline mode (OV-06) serves what is stored even where its directives forbid stale
   * in a private cache; never in a shared one, where a rule (OV-05) does not either.
   */
  static Optional<Reason> staleWhenUnreachable(
      CacheOptions options, Request request, ResponseControl rc) {
    if (options.offline() && (!options.shared() || !rc.forbidsStale())) {
      return Optional.of(
          Rule.OV_06.reason(SECTION, "offline, origin unreachable, serving what is stored"));
    }
    if (rc.forbidsStale() || options.overrides().isEmpty()) {
      return Optional.empty();
    }
    return rule(options, request)
        .filter(CacheOverride::staleWhenOriginUnreachable)
        .map(r -> Rule.OV_05.reason(SECTION, "origin unreachable, serving stale for " + r));
  }

  /** The status, saying which override the response depended on ({@code detail="override …"}). */
  static CacheStatus marked(CacheStatus status, Reason reason) {
    return status.withDetail("override " + reason);
  }

  private static long millis(Duration d) {
    return Math.min(d.toSeconds(), DeltaSeconds.MAX) * 1000 + d.toMillisPart();
  }

  private static String seconds(long millis) {
    return (millis / 1000) + "s";
  }
}
