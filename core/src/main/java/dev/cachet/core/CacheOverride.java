package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A rule that changes, for the requests it matches, what RFC 9111 would decide about freshness (<a
 * href="https://www.rfc-editor.org/rfc/rfc9111#section-4.2">§4.2</a>), storing a status (§3) or
 * serving stale (§4.2.4). Given to {@link CacheOptions.Builder#override(CacheOverride)}; the first
 * rule that matches a request is the one used.
 *
 * <p>What no rule can change: a response with {@code no-store} (in the request or the response), a
 * {@code private} response in a shared cache, and a response to a request with {@code
 * Authorization} that a shared cache may not store (§3.5) are never stored; 1xx, 206, 304, 412 and
 * 416 are never stored; the client's own request directives ({@code no-cache}, {@code max-age},
 * {@code min-fresh}, {@code only-if-cached}) are obeyed. A rule applies only in a private cache
 * unless {@link Builder#appliesToSharedCache(boolean)} says otherwise. Whenever a response is
 * reused only because of a rule, its {@code Cache-Status} says so ({@code detail="override OV-01
 * …"}) and its {@link Reason} has the rule's id.
 *
 * <pre>{@code
 * CacheOptions options = CacheOptions.newBuilder()
 *     .override(CacheOverride.forHost("api.example.com").minimumLifetime(Duration.ofMinutes(5)).build())
 *     .build();
 * }</pre>
 */
public final class CacheOverride {
  private final Optional<String> host;
  private final Optional<String> pathPrefix;
  private final Optional<Predicate<Request>> predicate;
  private final String description;
  private final Optional<Duration> minimumLifetime;
  private final Optional<Duration> maximumLifetime;
  private final Optional<Duration> noCacheLifetime;
  private final Set<Integer> statuses;
  private final boolean staleWhenOriginUnreachable;
  private final boolean sharedCache;

  private CacheOverride(Builder b) {
    this.host = b.host;
    this.pathPrefix = b.pathPrefix;
    this.predicate = b.predicate;
    this.description = b.description.isEmpty() ? "every request" : b.description;
    this.minimumLifetime = b.minimumLifetime;
    this.maximumLifetime = b.maximumLifetime;
    this.noCacheLifetime = b.noCacheLifetime;
    this.statuses = Set.copyOf(b.statuses);
    this.staleWhenOriginUnreachable = b.staleWhenOriginUnreachable;
    this.sharedCache = b.sharedCache;
  }

  /**
   * A rule for requests to this host (compared without case); narrow it with a path prefix.
   *
   * @param host the host, as in the request's URI
   * @return a builder for the rule
   * @throws IllegalArgumentException if {@code host} is empty
   */
  public static Builder forHost(String host) {
    requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    return new Builder().host(host);
  }

  /**
   * A rule for requests whose path starts with this prefix, e.g. {@code /api/}.
   *
   * @param prefix the raw path prefix, starting with {@code /}
   * @return a builder for the rule
   * @throws IllegalArgumentException if {@code prefix} does not start with {@code /}
   */
  public static Builder forPathPrefix(String prefix) {
    return new Builder().pathPrefix(prefix);
  }

  /**
   * A rule for the requests the predicate accepts.
   *
   * @param description what it matches, for {@code Cache-Status} and {@link #toString()}
   * @param predicate accepts the requests the rule applies to
   * @return a builder for the rule
   */
  public static Builder matching(String description, Predicate<Request> predicate) {
    requireNonNull(description, "description");
    requireNonNull(predicate, "predicate");
    Builder b = new Builder();
    b.predicate = Optional.of(predicate);
    b.description = description;
    return b;
  }

  /** {@return a builder for a rule for every request} */
  public static Builder forEveryRequest() {
    return new Builder();
  }

  /**
   * True when the reason is an override's (its id starts with {@code OV-}): the outcome it explains
   * depended on a rule or on offline mode rather than on RFC 9111 alone.
   *
   * @param reason the reason for an outcome
   * @return true when it is an override's
   */
  public static boolean decided(Reason reason) {
    return reason.id().startsWith("OV-");
  }

  /**
   * True when this rule applies to the request in a cache of this kind.
   *
   * @param request the request
   * @param inSharedCache true in a shared cache, false in a private one
   * @return true when the rule applies
   */
  public boolean matches(Request request, boolean inSharedCache) {
    requireNonNull(request, "request");
    if (inSharedCache && !sharedCache) {
      return false;
    }
    if (host.isPresent()) {
      String h = request.uri().getHost();
      if (h == null || !h.toLowerCase(Locale.ROOT).equals(host.get())) {
        return false;
      }
    }
    if (pathPrefix.isPresent()) {
      String path = request.uri().getRawPath();
      if (path == null || !path.startsWith(pathPrefix.get())) {
        return false;
      }
    }
    return predicate.isEmpty() || predicate.get().test(request);
  }

  /** {@return OV-01: the shortest freshness lifetime a matched response gets (§4.2.1)} */
  public Optional<Duration> minimumLifetime() {
    return minimumLifetime;
  }

  /** {@return OV-02: the longest freshness lifetime a matched response gets (§4.2.1)} */
  public Optional<Duration> maximumLifetime() {
    return maximumLifetime;
  }

  /**
   * {@return OV-03: the lifetime of a response with (unqualified) {@code no-cache}: reused without
   * validation for this long, then validated (§5.2.2.4)}
   */
  public Optional<Duration> noCacheLifetime() {
    return noCacheLifetime;
  }

  /**
   * {@return OV-04: statuses stored as the heuristically cacheable ones are (§4.2.2, RFC 9110
   * §15.1): without explicit freshness, with the heuristic lifetime, or this rule's minimum}
   */
  public Set<Integer> statuses() {
    return statuses;
  }

  /**
   * {@return OV-05: whether a stale response is served when the origin cannot be reached, where no
   * directive forbids it (§4.2.4)}
   */
  public boolean staleWhenOriginUnreachable() {
    return staleWhenOriginUnreachable;
  }

  /** {@return whether the rule applies in a shared cache too (false: private caches only)} */
  public boolean appliesToSharedCache() {
    return sharedCache;
  }

  /** What the rule matches, e.g. {@code host api.example.com, path /v1/}. */
  @Override
  public String toString() {
    return description;
  }

  /** Builds a {@link CacheOverride}; reusable, as {@link #build()} copies. */
  public static final class Builder {
    private Optional<String> host = Optional.empty();
    private Optional<String> pathPrefix = Optional.empty();
    private Optional<Predicate<Request>> predicate = Optional.empty();
    private String description = "";
    private Optional<Duration> minimumLifetime = Optional.empty();
    private Optional<Duration> maximumLifetime = Optional.empty();
    private Optional<Duration> noCacheLifetime = Optional.empty();
    private Set<Integer> statuses = Set.of();
    private boolean staleWhenOriginUnreachable;
    private boolean sharedCache;

    private Builder() {}

    private Builder host(String h) {
      this.host = Optional.of(h.toLowerCase(Locale.ROOT));
      this.description = join(description, "host " + host.get());
      return this;
    }

    /**
     * Narrows the rule to paths starting with this prefix (raw, as in the URI).
     *
     * @param prefix the raw path prefix, starting with {@code /}
     * @return this builder
     * @throws IllegalStateException if a prefix was given already
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public Builder pathPrefix(String prefix) {
      requireNonNull(prefix, "prefix");
      if (pathPrefix.isPresent()) {
        throw new IllegalStateException("pathPrefix was already set");
      }
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("a path prefix starts with /: " + prefix);
      }
      this.pathPrefix = Optional.of(prefix);
      this.description = join(description, "path " + prefix);
      return this;
    }

    /**
     * OV-01: matched responses are fresh for at least this long (§4.2.1).
     *
     * @param lifetime the shortest freshness lifetime
     * @return this builder
     * @throws IllegalArgumentException if {@code lifetime} is not positive
     */
    public Builder minimumLifetime(Duration lifetime) {
      this.minimumLifetime = Optional.of(positive(lifetime, "minimumLifetime"));
      return this;
    }

    /**
     * OV-02: matched responses are fresh for at most this long (zero: always validated).
     *
     * @param lifetime the longest freshness lifetime
     * @return this builder
     * @throws IllegalArgumentException if {@code lifetime} is negative
     */
    public Builder maximumLifetime(Duration lifetime) {
      requireNonNull(lifetime, "lifetime");
      if (lifetime.isNegative()) {
        throw new IllegalArgumentException("maximumLifetime must not be negative: " + lifetime);
      }
      this.maximumLifetime = Optional.of(lifetime);
      return this;
    }

    /**
     * OV-03: a {@code no-cache} response is reused for this long, then validated (§5.2.2.4).
     *
     * @param lifetime how long a {@code no-cache} response is reused without validation
     * @return this builder
     * @throws IllegalArgumentException if {@code lifetime} is not positive
     */
    public Builder revalidateNoCacheAfter(Duration lifetime) {
      this.noCacheLifetime = Optional.of(positive(lifetime, "revalidateNoCacheAfter"));
      return this;
    }

    /**
     * OV-04: store these statuses as heuristically cacheable ones.
     *
     * @param statuses the status codes; they replace any given before
     * @return this builder
     * @throws IllegalArgumentException for a status no cache may store this way: outside 200..599,
     *     206, 304, 412, 416 (§3, SEC-04)
     */
    public Builder cacheStatuses(int... statuses) {
      Set<Integer> s = new TreeSet<>();
      for (int status : statuses) {
        if (status < 200 || status > 599 || status == 206 || status == 304) {
          throw new IllegalArgumentException(
              "status " + status + " is never stored (RFC 9111 §3, S3-02, S3-03)");
        }
        if (status == 412 || status == 416) {
          throw new IllegalArgumentException(
              "status " + status + " answers one client's precondition or range (SEC-04)");
        }
        s.add(status);
      }
      this.statuses = s;
      return this;
    }

    /**
     * OV-05: serve stale when the origin cannot be reached and no directive forbids it.
     *
     * @return this builder
     */
    public Builder serveStaleWhenOriginUnreachable() {
      this.staleWhenOriginUnreachable = true;
      return this;
    }

    /**
     * Whether the rule applies in a shared cache too (default false).
     *
     * @param shared true to apply it in a shared cache too
     * @return this builder
     */
    public Builder appliesToSharedCache(boolean shared) {
      this.sharedCache = shared;
      return this;
    }

    /**
     * {@return the rule}
     *
     * @throws IllegalStateException if it changes nothing, or its minimum lifetime exceeds its
     *     maximum
     */
    public CacheOverride build() {
      if (minimumLifetime.isEmpty()
          && maximumLifetime.isEmpty()
          && noCacheLifetime.isEmpty()
          && statuses.isEmpty()
          && !staleWhenOriginUnreachable) {
        throw new IllegalStateException("the rule changes nothing");
      }
      if (minimumLifetime.isPresent()
          && maximumLifetime.isPresent()
          && minimumLifetime.get().compareTo(maximumLifetime.get()) > 0) {
        throw new IllegalStateException("minimumLifetime exceeds maximumLifetime");
      }
      return new CacheOverride(this);
    }

    private static String join(String a, String b) {
      return a.isEmpty() ? b : a + ", " + b;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
