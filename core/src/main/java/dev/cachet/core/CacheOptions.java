package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How a cache behaves where RFC 9111 leaves a choice. The defaults are what a careful private
 * (single-user) client wants:
 *
 * <ul>
 *   <li>private cache ({@link Builder#shared(boolean)} false);
 *   <li>caches {@code GET} and {@code HEAD} (RFC 9111 §3);
 *   <li>heuristic freshness of 10% of the time since {@code Last-Modified}, capped at one day
 *       (§4.2.2);
 *   <li>a minimum lifetime of one day for {@code immutable} responses without {@code max-age} (RFC
 *       8246);
 *   <li>{@code stale-while-revalidate} and {@code stale-if-error} honoured (RFC 5861);
 *   <li>no stale response served only because the origin is unreachable;
 *   <li>{@code pre-check}/{@code post-check} taken at face value;
 *   <li>no limit on body size; no targeted cache-control field (RFC 9213);
 *   <li>at most {@value #DEFAULT_MAXIMUM_VARIANTS_PER_KEY} stored variants per URI (SEC-06);
 *   <li>no override rules and no offline mode: RFC 9111 alone decides.
 * </ul>
 *
 * <pre>{@code
 * CacheOptions shared = CacheOptions.newBuilder().shared(true).build();
 * }</pre>
 */
public final class CacheOptions {
  /** The default bound on the responses stored for one URI (its {@code Vary} variants). */
  public static final int DEFAULT_MAXIMUM_VARIANTS_PER_KEY = 64;

  private static final CacheOptions DEFAULTS = newBuilder().build();

  private final boolean shared;
  private final Set<String> cacheableMethods;
  private final double heuristicFraction;
  private final Duration heuristicCap;
  private final Duration immutableMinimumLifetime;
  private final boolean staleWhileRevalidate;
  private final boolean staleIfError;
  private final boolean serveStaleWhenOriginUnreachable;
  private final boolean ignoreCargoCultDirectives;
  private final OptionalLong maximumBodySize;
  private final List<String> targetedFields;
  private final int maximumVariantsPerKey;
  private final boolean reusePostResponses;
  private final Set<String> fieldsAddedOutOfSight;
  private final List<CacheOverride> overrides;
  private final boolean offline;

  private CacheOptions(Builder b) {
    this.shared = b.shared;
    this.cacheableMethods = Set.copyOf(b.cacheableMethods);
    this.heuristicFraction = b.heuristicFraction;
    this.heuristicCap = b.heuristicCap;
    this.immutableMinimumLifetime = b.immutableMinimumLifetime;
    this.staleWhileRevalidate = b.staleWhileRevalidate;
    this.staleIfError = b.staleIfError;
    this.serveStaleWhenOriginUnreachable = b.serveStaleWhenOriginUnreachable;
    this.ignoreCargoCultDirectives = b.ignoreCargoCultDirectives;
    this.maximumBodySize = b.maximumBodySize;
    this.targetedFields = List.copyOf(b.targetedFields);
    this.maximumVariantsPerKey = b.maximumVariantsPerKey;
    this.reusePostResponses = b.reusePostResponses;
    this.fieldsAddedOutOfSight = Set.copyOf(b.fieldsAddedOutOfSight);
    this.overrides = List.copyOf(b.overrides);
    this.offline = b.offline;
  }

  /** {@return the default options: a private cache} */
  public static CacheOptions defaults() {
    return DEFAULTS;
  }

  /** {@return a builder holding the defaults} */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** {@return a builder holding these options} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.shared = shared;
    b.cacheableMethods = cacheableMethods;
    b.heuristicFraction = heuristicFraction;
    b.heuristicCap = heuristicCap;
    b.immutableMinimumLifetime = immutableMinimumLifetime;
    b.staleWhileRevalidate = staleWhileRevalidate;
    b.staleIfError = staleIfError;
    b.serveStaleWhenOriginUnreachable = serveStaleWhenOriginUnreachable;
    b.ignoreCargoCultDirectives = ignoreCargoCultDirectives;
    b.maximumBodySize = maximumBodySize;
    b.targetedFields = targetedFields;
    b.maximumVariantsPerKey = maximumVariantsPerKey;
    b.reusePostResponses = reusePostResponses;
    b.fieldsAddedOutOfSight = fieldsAddedOutOfSight;
    b.overrides = new ArrayList<>(overrides);
    b.offline = offline;
    return b;
  }

  /**
   * {@return true for a shared cache (a proxy or CDN), false for a private one (RFC 9111 §1)} A
   * shared cache obeys {@code s-maxage}, {@code proxy-revalidate}, {@code private} and the {@code
   * Authorization} rules (§3.5), and by default refuses what Varnish, nginx and Fastly refuse: a
   * response with {@code Set-Cookie} is stored only when it says {@code public} or {@code s-maxage}
   * (SEC-03), and fields named by {@code private="..."} are never stored (SEC-02).
   */
  public boolean shared() {
    return shared;
  }

  /** {@return the request methods whose responses may be stored (RFC 9111 §3), upper-case} */
  public Set<String> cacheableMethods() {
    return cacheableMethods;
  }

  /** {@return the fraction of {@code Date − Last-Modified} used as heuristic lifetime (§4.2.2)} */
  public double heuristicFraction() {
    return heuristicFraction;
  }

  /** {@return the largest heuristic lifetime (§4.2.2)} */
  public Duration heuristicCap() {
    return heuristicCap;
  }

  /**
   * {@return the lifetime of an {@code immutable} response that gives no {@code max-age} (RFC
   * 8246)}
   */
  public Duration immutableMinimumLifetime() {
    return immutableMinimumLifetime;
  }

  /**
   * {@return whether the response directive {@code stale-while-revalidate} is honoured (RFC 5861
   * §3)}
   */
  public boolean staleWhileRevalidate() {
    return staleWhileRevalidate;
  }

  /** {@return whether the {@code stale-if-error} directive is honoured (RFC 5861 §4)} */
  public boolean staleIfError() {
    return staleIfError;
  }

  /**
   * {@return whether a stale response may be served when the origin cannot be reached at all, where
   * no directive allows it and none forbids it (RFC 9111 §4.2.4)}
   */
  public boolean serveStaleWhenOriginUnreachable() {
    return serveStaleWhenOriginUnreachable;
  }

  /**
   * {@return whether {@code Cache-Control: pre-check=0, post-check=0} marks the response's other
   * anti-cache directives ({@code no-cache}, {@code no-store}, {@code must-revalidate}) and its
   * {@code Expires} and {@code Pragma} as cargo cult, to be ignored}
   */
  public boolean ignoreCargoCultDirectives() {
    return ignoreCargoCultDirectives;
  }

  /** {@return the largest body the cache stores, in bytes, when limited} */
  public OptionalLong maximumBodySize() {
    return maximumBodySize;
  }

  /**
   * {@return the targeted cache-control fields this cache obeys, highest priority first, e.g.
   * {@code CDN-Cache-Control} (RFC 9213 §2.2)} Empty by default.
   */
  public List<String> targetedFields() {
    return targetedFields;
  }

  /**
   * SEC-06: the most responses stored for one cache key, one per {@code Vary} variant (RFC 9111
   * §4.1). A response that would pass the bound displaces the variants stored or freshened least
   * recently, so a client sending ever new values of a field the response varies on cannot make one
   * key's look-ups grow without end.
   *
   * @return the most variants stored per key
   */
  public int maximumVariantsPerKey() {
    return maximumVariantsPerKey;
  }

  /**
   * O-04: whether a response to {@code POST} that gives explicit freshness and a {@code
   * Content-Location} equal to the request's URI is stored to answer later {@code GET}s of that URI
   * (RFC 9110 §9.3.3, RFC 9111 §4). False by default.
   *
   * @return true when POST responses may answer GETs
   */
  public boolean reusePostResponses() {
    return reusePostResponses;
  }

  /**
   * {@return the request fields that the I/O side adds after the cache has looked at a request,
   * lower-case: for example {@code authorization} when a JDK client's {@code Authenticator} answers
   * a challenge, or {@code cookie} when its own {@code CookieHandler} adds cookies} A response that
   * {@code Vary}s on one of them is not stored (R4-05: it could not be matched to the right user),
   * and with {@code authorization} among them a shared cache treats every request as possibly
   * authorised (S3-06, RFC 9111 §3.5). Empty by default.
   */
  public Set<String> fieldsAddedOutOfSight() {
    return fieldsAddedOutOfSight;
  }

  /**
   * {@return the rules that change RFC 9111's decisions for the requests they match, in order} The
   * first that matches a request applies (OV-01..OV-05). None by default. See {@link
   * CacheOverride}.
   */
  public List<CacheOverride> overrides() {
    return overrides;
  }

  /**
   * OV-06: offline mode. When the origin cannot be reached, whatever is stored for the request is
   * served, marked stale in {@code Cache-Status}, even where its directives forbid serving it stale
   * ({@code must-revalidate}, {@code no-cache}; RFC 9111 §4.2.4) — in a private cache; a shared
   * cache still obeys them. A client's own {@code no-cache} is obeyed. False by default.
   *
   * @return true in offline mode
   */
  public boolean offline() {
    return offline;
  }

  @Override
  public String toString() {
    return "CacheOptions[shared="
        + shared
        + ", methods="
        + cacheableMethods
        + ", heuristicFraction="
        + heuristicFraction
        + ", heuristicCap="
        + heuristicCap
        + ", immutableMinimumLifetime="
        + immutableMinimumLifetime
        + ", staleWhileRevalidate="
        + staleWhileRevalidate
        + ", staleIfError="
        + staleIfError
        + ", serveStaleWhenOriginUnreachable="
        + serveStaleWhenOriginUnreachable
        + ", ignoreCargoCultDirectives="
        + ignoreCargoCultDirectives
        + ", maximumBodySize="
        + maximumBodySize
        + ", targetedFields="
        + targetedFields
        + ", maximumVariantsPerKey="
        + maximumVariantsPerKey
        + ", reusePostResponses="
        + reusePostResponses
        + ", fieldsAddedOutOfSight="
        + fieldsAddedOutOfSight
        + ", overrides="
        + overrides
        + ", offline="
        + offline
        + "]";
  }

  /** Builds {@link CacheOptions}. A builder may be reused; {@link #build()} copies. */
  public static final class Builder {
    private boolean shared;
    private Set<String> cacheableMethods = Set.of("GET", "HEAD");
    private double heuristicFraction = 0.1;
    private Duration heuristicCap = Duration.ofDays(1);
    private Duration immutableMinimumLifetime = Duration.ofDays(1);
    private boolean staleWhileRevalidate = true;
    private boolean staleIfError = true;
    private boolean serveStaleWhenOriginUnreachable;
    private boolean ignoreCargoCultDirectives;
    private OptionalLong maximumBodySize = OptionalLong.empty();
    private List<String> targetedFields = List.of();
    private int maximumVariantsPerKey = DEFAULT_MAXIMUM_VARIANTS_PER_KEY;
    private boolean reusePostResponses;
    private Set<String> fieldsAddedOutOfSight = Set.of();
    private List<CacheOverride> overrides = new ArrayList<>();
    private boolean offline;

    private Builder() {}

    /**
     * A shared cache (true) or a private one (false, the default).
     *
     * @param shared true for a shared cache
     * @return this builder
     */
    public Builder shared(boolean shared) {
      this.shared = shared;
      return this;
    }

    /**
     * The methods whose responses are stored; a subset of {@code GET} and {@code HEAD}, the methods
     * whose cache key the URI alone determines.
     *
     * @param methods the methods, in any case
     * @return this builder
     * @throws IllegalArgumentException if another method is named
     */
    public Builder cacheableMethods(Set<String> methods) {
      requireNonNull(methods, "methods");
      for (String m : methods) {
        String upper = requireNonNull(m, "method").toUpperCase(Locale.ROOT);
        if (!upper.equals("GET") && !upper.equals("HEAD")) {
          throw new IllegalArgumentException(
              "only GET and HEAD can be cached: their key is the URI alone; got " + m);
        }
      }
      this.cacheableMethods =
          Set.copyOf(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
      return this;
    }

    /**
     * The heuristic fraction, 0 (no heuristic freshness) to 1.
     *
     * @param fraction the fraction of {@code Date − Last-Modified}
     * @return this builder
     * @throws IllegalArgumentException if outside [0, 1]
     */
    public Builder heuristicFraction(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("heuristic fraction must be within [0, 1]: " + fraction);
      }
      this.heuristicFraction = fraction;
      return this;
    }

    /**
     * The cap on heuristic lifetime.
     *
     * @param cap the largest heuristic lifetime
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder heuristicCap(Duration cap) {
      this.heuristicCap = nonNegative(cap, "heuristicCap");
      return this;
    }

    /**
     * The lifetime given to {@code immutable} responses without {@code max-age}; zero disables.
     *
     * @param lifetime the lifetime, or zero
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder immutableMinimumLifetime(Duration lifetime) {
      this.immutableMinimumLifetime = nonNegative(lifetime, "immutableMinimumLifetime");
      return this;
    }

    /**
     * Whether {@code stale-while-revalidate} is honoured (default true).
     *
     * @param honour false to ignore the directive
     * @return this builder
     */
    public Builder staleWhileRevalidate(boolean honour) {
      this.staleWhileRevalidate = honour;
      return this;
    }

    /**
     * Whether {@code stale-if-error} is honoured (default true).
     *
     * @param honour false to ignore the directive
     * @return this builder
     */
    public Builder staleIfError(boolean honour) {
      this.staleIfError = honour;
      return this;
    }

    /**
     * Whether to serve stale when the origin is unreachable and nothing forbids it (false).
     *
     * @param serve true to serve stale when the origin cannot be reached
     * @return this builder
     */
    public Builder serveStaleWhenOriginUnreachable(boolean serve) {
      this.serveStaleWhenOriginUnreachable = serve;
      return this;
    }

    /**
     * Whether to ignore anti-cache directives next to {@code pre-check}/{@code post-check}.
     *
     * @param ignore true to ignore them
     * @return this builder
     */
    public Builder ignoreCargoCultDirectives(boolean ignore) {
      this.ignoreCargoCultDirectives = ignore;
      return this;
    }

    /**
     * The largest body to store, in bytes.
     *
     * @param bytes the size in bytes
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maximumBodySize(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maximumBodySize must not be negative: " + bytes);
      }
      this.maximumBodySize = OptionalLong.of(bytes);
      return this;
    }

    /**
     * The targeted cache-control fields to obey before {@code Cache-Control}, highest priority
     * first (RFC 9213 §2.2), e.g. {@code List.of("CDN-Cache-Control")}. Any cache configured with a
     * target list obeys it, shared or private; empty (the default) obeys only {@code
     * Cache-Control}.
     *
     * @param fields the field names, highest priority first
     * @return this builder
     */
    public Builder targetedFields(List<String> fields) {
      this.targetedFields = List.copyOf(requireNonNull(fields, "fields"));
      return this;
    }

    /**
     * The most variants stored per cache key (default {@value
     * CacheOptions#DEFAULT_MAXIMUM_VARIANTS_PER_KEY}); see {@link
     * CacheOptions#maximumVariantsPerKey()}.
     *
     * @param variants the most variants, at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maximumVariantsPerKey(int variants) {
      if (variants < 1) {
        throw new IllegalArgumentException("maximumVariantsPerKey must be at least 1: " + variants);
      }
      this.maximumVariantsPerKey = variants;
      return this;
    }

    /**
     * Whether POST responses may answer GETs (false); see {@link
     * CacheOptions#reusePostResponses()}.
     *
     * @param reuse true to let POST responses answer GETs
     * @return this builder
     */
    public Builder reusePostResponses(boolean reuse) {
      this.reusePostResponses = reuse;
      return this;
    }

    /**
     * The request fields the I/O side adds out of the cache's sight; see {@link
     * CacheOptions#fieldsAddedOutOfSight()}.
     *
     * @param names the field names, in any case
     * @return this builder
     */
    public Builder fieldsAddedOutOfSight(Set<String> names) {
      requireNonNull(names, "names");
      this.fieldsAddedOutOfSight =
          Set.copyOf(
              names.stream().map(n -> requireNonNull(n, "name").toLowerCase(Locale.ROOT)).toList());
      return this;
    }

    /**
     * Adds a rule after those added before; see {@link CacheOptions#overrides()}. A rule not marked
     * {@link CacheOverride.Builder#appliesToSharedCache(boolean)} is ignored by a shared cache.
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder override(CacheOverride rule) {
      overrides.add(requireNonNull(rule, "rule"));
      return this;
    }

    /**
     * Replaces the rules; see {@link CacheOptions#overrides()}.
     *
     * @param rules the rules, in the order they are tried
     * @return this builder
     */
    public Builder overrides(List<CacheOverride> rules) {
      this.overrides = new ArrayList<>(List.copyOf(requireNonNull(rules, "rules")));
      return this;
    }

    /**
     * Offline mode (default false); see {@link CacheOptions#offline()}.
     *
     * @param offline whether to serve what is stored when the origin cannot be reached
     * @return this builder
     */
    public Builder offline(boolean offline) {
      this.offline = offline;
      return this;
    }

    /** {@return the options} */
    public CacheOptions build() {
      return new CacheOptions(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
      }
      return d;
    }
  }
}
