package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.Directives;
import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The start state: a request arrives and the cache decides whether stored responses can answer it
 * (RFC 9111 §4).
 *
 * <p>Transitions: {@link #next} → {@link FromCache} (fresh, allowed stale, 304 to a conditional
 * request, or the 504 of {@code only-if-cached}) | {@link StaleWhileRevalidate} | {@link
 * NeedRevalidation} | {@link CacheMiss}.
 *
 * <pre>{@code
 * IdleClient idle = IdleClient.forClient();
 * IdleClient.Next next = idle.next(request, storage.find(request.key()), clock.instant());
 * if (next instanceof FromCache hit) { ... }
 * }</pre>
 *
 * @param options the machine's options
 */
public record IdleClient(CacheOptions options) implements CacheState {
  /** A hit; serving gives it the response's ttl. Shared: a status is immutable. */
  private static final CacheStatus HIT = CacheStatus.hit(0);

  /** What may follow a request: each is a {@link CacheState}. */
  public sealed interface Next extends CacheState
      permits CacheMiss, FromCache, StaleWhileRevalidate, NeedRevalidation {}

  /**
   * Creates the state.
   *
   * @param options the machine's options
   */
  public IdleClient {
    requireNonNull(options, "options");
  }

  /** {@return the start state of a private cache with default options} */
  public static IdleClient forClient() {
    return new IdleClient(CacheOptions.defaults());
  }

  /** {@return the start state of a shared cache with default options} */
  public static IdleClient forServer() {
    return new IdleClient(CacheOptions.newBuilder().shared(true).build());
  }

  /**
   * {@return a machine with these options}
   *
   * @param options the cache's options
   */
  public static IdleClient of(CacheOptions options) {
    return new IdleClient(options);
  }

  /**
   * Decides how to answer a request.
   *
   * @param request the client's request
   * @param stored the pairs stored under {@code request.key()}, in any order
   * @param now the current time
   * @return {@link FromCache}, {@link StaleWhileRevalidate}, {@link NeedRevalidation} or {@link
   *     CacheMiss}
   */
  public Next next(Request request, List<StoredPair> stored, Instant now) {
    requireNonNull(request, "request");
    requireNonNull(stored, "stored");
    requireNonNull(now, "now");
    String method = request.method();
    if (!request.isSafe()) {
      // R4-03: unsafe methods are written through; CacheMiss.next invalidates (I-01).
      return new CacheMiss(
          options,
          request,
          CacheStatus.forwarded(CacheStatus.Forward.METHOD),
          Rule.R4_03.reason("unsafe method " + method + " written through"));
    }
    boolean get = method.equals("GET");
    boolean head = method.equals("HEAD");
    boolean reusable =
        (get && options.cacheableMethods().contains("GET"))
            || (head && !options.cacheableMethods().isEmpty());
    if (!reusable) {
      return new CacheMiss(
          options,
          request,
          CacheStatus.forwarded(CacheStatus.Forward.METHOD),
          Rule.S3_01.reason("method " + method + " is not cached"));
    }
    RequestFacts req = Request.factsOf(request.headers());
    Directives rcc = req.cacheControl();
    boolean onlyIfCached = rcc.has("only-if-cached");

    // K-01, K-02: same URI; GET only from GET, HEAD from GET or HEAD.
    CacheKey key = null;
    List<StoredPair> nominated = new ArrayList<>(stored.size());
    StoredPair selected = null;
    for (StoredPair p : stored) {
      String storedMethod = p.request().method();
      boolean methodOk = storedMethod.equals(method) || (head && storedMethod.equals("GET"));
      if (!methodOk) {
        continue;
      }
      // A pair stored for the very same URI text is under the same key; only another spelling
      // of it (case, default port, escapes) needs the key worked out.
      if (!p.request().uri().toString().equals(request.uri().toString())) {
        if (key == null) {
          key = request.key();
        }
        if (!p.key().equals(key)) {
          continue;
        }
      }
      nominated.add(p);
      if (!VaryMatcher.matches(p, request)) {
        continue;
      }
      // S3-11 (§3.5): in a shared cache, a response to a request with Authorization serves a
      // request without it only when a directive let a shared cache store it (public,
      // must-revalidate, s-maxage); the cache then obeys that directive.
      if (options.shared()
          && !req.authorization()
          && p.request().headers().contains("Authorization")
          && !ResponseControl.of(p.response(), options).allowsSharedAuthorized()) {
        continue;
      }
      if (selected == null || Validators.NEWEST_FIRST.compare(p, selected) < 0) {
        selected = p; // R4-04: the most recent by Date.
      }
    }

    if (selected == null) {
      boolean varyMiss = !nominated.isEmpty();
      Reason why = varyMiss ? Rule.R4_05.reason() : Rule.R4_01.reason();
      if (onlyIfCached) {
        return Serving.gatewayTimeout(options, why);
      }
      return new CacheMiss(
          options,
          request,
          CacheStatus.forwarded(
              varyMiss ? CacheStatus.Forward.VARY_MISS : CacheStatus.Forward.URI_MISS),
          why);
    }

    ResponseControl rc = ResponseControl.of(selected.response(), options);
    long age = Age.currentAgeMillis(selected, now);
    // OV-01..OV-04: the lifetime with the options' override rules applied.
    Overrides.Lifetime ov = Overrides.lifetime(options, request, rc, selected.responseTimeMillis());
    long lifetime = ov.millis();
    boolean fresh = lifetime > age;

    Reason revalidate = null;
    CacheStatus.Forward fwd = CacheStatus.Forward.STALE;
    if (rcc.has("no-cache") || req.pragmaNoCache()) {
      revalidate = Rule.R4_06.reason();
      fwd = CacheStatus.Forward.REQUEST;
    } else if (rc.noCache() && !ov.noCacheLifted()) {
      revalidate = Rule.R4_01.reason("RFC 9111 §5.2.2.4", "no-cache in the stored response");
    } else if (fresh) {
      OptionalLong maxAge = rcc.seconds("max-age");
      OptionalLong minFresh = rcc.seconds("min-fresh");
      // D-02: while fresh, an immutable response ignores the reload signal max-age (RFC 8246 §2).
      if (maxAge.isPresent() && age > maxAge.getAsLong() * 1000 && !rc.immutable()) {
        revalidate = Rule.R4_07.reason("RFC 9111 §5.2.1.1", "older than the request's max-age");
        fwd = CacheStatus.Forward.REQUEST;
      } else if (minFresh.isPresent() && lifetime - age < minFresh.getAsLong() * 1000) {
        revalidate =
            Rule.R4_07.reason("RFC 9111 §5.2.1.3", "fresh for less than the request's min-fresh");
        fwd = CacheStatus.Forward.REQUEST;
      } else {
        Optional<Reason> by = ov.reuseDependsOn(age, rc.noCache());
        return Serving.fromPair(
            options,
            request,
            req,
            selected,
            rc,
            age,
            lifetime,
            by.isPresent() ? Overrides.marked(HIT, by.get()) : HIT,
            by,
            false);
      }
    } else {
      long staleness = age - lifetime;
      if (!rc.forbidsStale()) {
        if (rcc.has("max-stale")) {
          // R4-07: max-stale with no value accepts any staleness; an invalid value accepts none.
          boolean any = rcc.argument("max-stale").isEmpty();
          OptionalLong maxStale = rcc.seconds("max-stale");
          if (any || (maxStale.isPresent() && staleness <= maxStale.getAsLong() * 1000)) {
            Reason why = Rule.R4_07.reason("RFC 9111 §5.2.1.2", "stale, allowed by max-stale");
            return Serving.fromPair(
                options,
                request,
                req,
                selected,
                now,
                HIT.withDetail(why.toString()),
                Optional.of(why),
                false);
          }
        }
        OptionalLong swr = rc.seconds("stale-while-revalidate");
        if (options.staleWhileRevalidate()
            && !onlyIfCached
            && swr.isPresent()
            && staleness <= swr.getAsLong() * 1000) {
          Reason why =
              Rule.X_02.reason("RFC 5861 §3", "stale-while-revalidate, revalidating behind");
          FromCache serve =
              Serving.fromPair(
                  options,
                  request,
                  req,
                  selected,
                  now,
                  HIT.withDetail(why.toString()),
                  Optional.of(why),
                  false);
          NeedRevalidation behind =
              revalidation(request, selected, nominated, CacheStatus.Forward.STALE, why);
          return new StaleWhileRevalidate(options, serve, behind);
        }
      }
      revalidate =
          rc.forbidsStale()
              ? Rule.X_01.reason()
              : ov.staleBecause(age, rc.noCache()).orElse(Rule.F_01.reason());
    }
    if (onlyIfCached) {
      return Serving.gatewayTimeout(options, revalidate);
    }
    return revalidation(request, selected, nominated, fwd, revalidate);
  }

  /**
   * Decides how to answer a request, with the partial entries stored under its key as well (P-05,
   * RFC 9111 §3.4). When the complete stored responses lead to a miss and {@link
   * CacheOptions#partialContent()} is on, a fresh partial entry answers a {@code GET} whose one
   * range it covers ({@link FromCache} with a {@link FromCache#slice()}, or a {@code 416}); a range
   * it does not cover goes to the origin with the request's own {@code Range} ({@link CacheMiss},
   * reason {@code P-05}).
   *
   * @param request the client's request
   * @param stored the complete pairs stored under {@code request.key()}, in any order
   * @param partials the partial entries stored under {@code request.key()}, in any order
   * @param now the current time
   * @return what to do, as {@link #next(Request, List, Instant)} says, or a {@link FromCache} made
   *     from a partial entry
   */
  public Next next(
      Request request, List<StoredPair> stored, List<PartialEntry> partials, Instant now) {
    requireNonNull(partials, "partials");
    Next next = next(request, stored, now);
    if (next instanceof CacheMiss miss) {
      return Parts.fromPartial(options, request, List.copyOf(partials), now, miss);
    }
    return next;
  }

  private NeedRevalidation revalidation(
      Request request,
      StoredPair selected,
      List<StoredPair> nominated,
      CacheStatus.Forward fwd,
      Reason reason) {
    return new NeedRevalidation(
        options,
        request,
        Validators.conditional(request, selected, nominated),
        selected,
        nominated,
        CacheStatus.forwarded(fwd),
        reason);
  }
}
