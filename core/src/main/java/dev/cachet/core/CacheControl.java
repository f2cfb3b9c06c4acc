package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.DeltaSeconds;
import dev.cachet.core.internal.Directives;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code Cache-Control} directives a client puts on a request (<a
 * href="https://www.rfc-editor.org/rfc/rfc9111#section-5.2.1">RFC 9111 §5.2.1</a>, and {@code
 * stale-if-error} of RFC 5861 §4), typed. {@link #parse} reads a field value exactly as the cache
 * reads a request's field, so a value built here means to the cache what it says; {@link
 * #toHeaderValue()} renders it.
 *
 * <pre>{@code
 * CacheControl.FORCE_CACHE.toHeaderValue();        // "max-stale, only-if-cached"
 * CacheControl.newBuilder().maxAge(Duration.ZERO).build().toHeaderValue(); // "max-age=0"
 * CacheControl.parse("no-cache, MAX-AGE=\"60\"");  // noCache, maxAge 60 s
 * }</pre>
 *
 * <p>Parsing is total: names are case-insensitive and arguments may be tokens or quoted strings
 * (§5.2); a directive whose argument is not delta-seconds, or that is repeated with another value,
 * is left out, as the cache ignores it; unknown directives are left out (§5.2); values beyond 2^31
 * seconds are 2^31 (§1.2.2). Durations are whole seconds, as on the wire.
 *
 * @param maxAge {@code max-age}: the oldest response the client accepts (§5.2.1.1)
 * @param maxStale {@code max-stale=N}: how stale a response the client accepts (§5.2.1.2)
 * @param anyStale {@code max-stale} without a value: any staleness (§5.2.1.2)
 * @param minFresh {@code min-fresh}: how long the response must stay fresh (§5.2.1.3)
 * @param noCache {@code no-cache}: no stored response without validation (§5.2.1.4)
 * @param noStore {@code no-store}: store neither request nor response (§5.2.1.5)
 * @param onlyIfCached {@code only-if-cached}: a stored response or a 504 (§5.2.1.7)
 * @param staleIfError {@code stale-if-error}: how stale a response the client accepts when the
 *     origin fails (RFC 5861 §4)
 */
public record CacheControl(
    Optional<Duration> maxAge,
    Optional<Duration> maxStale,
    boolean anyStale,
    Optional<Duration> minFresh,
    boolean noCache,
    boolean noStore,
    boolean onlyIfCached,
    Optional<Duration> staleIfError) {

  /** The name of the field, {@code Cache-Control}. */
  public static final String FIELD_NAME = "Cache-Control";

  private static final CacheControl EMPTY =
      new CacheControl(
          Optional.empty(),
          Optional.empty(),
          false,
          Optional.empty(),
          false,
          false,
          false,
          Optional.empty());

  /**
   * Answer from the cache whatever its staleness, never from the origin: {@code max-stale,
   * only-if-cached}. Nothing usable stored gives a 504 (§5.2.1.7); a stored response whose own
   * directives forbid serving it stale ({@code must-revalidate}, {@code no-cache}) is not served.
   */
  public static final CacheControl FORCE_CACHE = newBuilder().anyStale().onlyIfCached().build();

  /** Validate with the origin before any stored response is used: {@code no-cache} (§5.2.1.4). */
  public static final CacheControl FORCE_NETWORK = newBuilder().noCache().build();

  /**
   * Creates the value.
   *
   * @param maxAge {@code max-age}: the oldest response the client accepts (§5.2.1.1)
   * @param maxStale {@code max-stale=N}: how stale a response the client accepts (§5.2.1.2)
   * @param anyStale {@code max-stale} without a value: any staleness (§5.2.1.2)
   * @param minFresh {@code min-fresh}: how long the response must stay fresh (§5.2.1.3)
   * @param noCache {@code no-cache}: no stored response without validation (§5.2.1.4)
   * @param noStore {@code no-store}: store neither request nor response (§5.2.1.5)
   * @param onlyIfCached {@code only-if-cached}: a stored response or a 504 (§5.2.1.7)
   * @param staleIfError {@code stale-if-error}: how stale a response the client accepts when the
   *     origin fails (RFC 5861 §4)
   * @throws IllegalArgumentException for a negative duration, or both {@code maxStale} and {@code
   *     anyStale}
   */
  public CacheControl {
    maxAge = seconds(maxAge, "maxAge");
    maxStale = seconds(maxStale, "maxStale");
    minFresh = seconds(minFresh, "minFresh");
    staleIfError = seconds(staleIfError, "staleIfError");
    if (anyStale && maxStale.isPresent()) {
      throw new IllegalArgumentException("max-stale takes a value or none, not both");
    }
  }

  /** {@return the value with no directives} */
  public static CacheControl empty() {
    return EMPTY;
  }

  /** {@return a builder with no directives} */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Reads a request's {@code Cache-Control} field value (RFC 9111 §5.2, §5.2.1). Never throws for
   * any string; see the type's description for what is left out.
   *
   * @param fieldValue the field value
   * @return the directives it sets
   */
  public static CacheControl parse(String fieldValue) {
    requireNonNull(fieldValue, "fieldValue");
    return parse(List.of(fieldValue));
  }

  /**
   * Reads all field lines of a request's {@code Cache-Control}, as {@link #parse(String)}.
   *
   * @param fieldLines the values of the field lines, in order
   * @return the directives they set
   */
  public static CacheControl parse(List<String> fieldLines) {
    Directives d = Directives.parse(List.copyOf(fieldLines));
    if (d.isEmpty()) {
      return EMPTY;
    }
    Builder b = new Builder();
    b.maxAge = duration(d.seconds("max-age"));
    if (d.has("max-stale")) {
      // R4-07: max-stale whose first occurrence has no value accepts any staleness; a value that
      // does not parse, or several values, accept none (IdleClient reads it the same way).
      if (d.argument("max-stale").isEmpty()) {
        b.anyStale = true;
      } else {
        b.maxStale = duration(d.seconds("max-stale"));
      }
    }
    b.minFresh = duration(d.seconds("min-fresh"));
    b.noCache = d.has("no-cache");
    b.noStore = d.has("no-store");
    b.onlyIfCached = d.has("only-if-cached");
    b.staleIfError = duration(d.seconds("stale-if-error"));
    return b.build();
  }

  /** {@return true when no directive is set} */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /** {@return a builder holding these directives} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxAge = maxAge;
    b.maxStale = maxStale;
    b.anyStale = anyStale;
    b.minFresh = minFresh;
    b.noCache = noCache;
    b.noStore = noStore;
    b.onlyIfCached = onlyIfCached;
    b.staleIfError = staleIfError;
    return b;
  }

  /**
   * {@return the field value, directives in a fixed order, e.g. {@code no-cache, max-age=0}; empty
   * when no directive is set (send no field then)}
   */
  public String toHeaderValue() {
    StringBuilder sb = new StringBuilder();
    if (noCache) {
      append(sb, "no-cache");
    }
    if (noStore) {
      append(sb, "no-store");
    }
    maxAge.ifPresent(d -> append(sb, "max-age=" + d.toSeconds()));
    if (anyStale) {
      append(sb, "max-stale");
    }
    maxStale.ifPresent(d -> append(sb, "max-stale=" + d.toSeconds()));
    minFresh.ifPresent(d -> append(sb, "min-fresh=" + d.toSeconds()));
    if (onlyIfCached) {
      append(sb, "only-if-cached");
    }
    staleIfError.ifPresent(d -> append(sb, "stale-if-error=" + d.toSeconds()));
    return sb.toString();
  }

  /** The field value, as {@link #toHeaderValue()}. */
  @Override
  public String toString() {
    return toHeaderValue();
  }

  private static void append(StringBuilder sb, String directive) {
    if (sb.length() > 0) {
      sb.append(", ");
    }
    sb.append(directive);
  }

  private static Optional<Duration> duration(OptionalLong seconds) {
    return seconds.isPresent()
        ? Optional.of(Duration.ofSeconds(seconds.getAsLong()))
        : Optional.empty();
  }

  /** Whole seconds, at most 2^31 (RFC 9111 §1.2.2). */
  private static Optional<Duration> seconds(Optional<Duration> d, String name) {
    requireNonNull(d, name);
    if (d.isEmpty()) {
      return d;
    }
    Duration v = d.get();
    if (v.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + v);
    }
    long s = Math.min(v.toSeconds(), DeltaSeconds.MAX);
    return s == v.toSeconds() && v.toNanosPart() == 0 ? d : Optional.of(Duration.ofSeconds(s));
  }

  /** Builds a {@link CacheControl}; reusable, as {@link #build()} copies. */
  public static final class Builder {
    private Optional<Duration> maxAge = Optional.empty();
    private Optional<Duration> maxStale = Optional.empty();
    private boolean anyStale;
    private Optional<Duration> minFresh = Optional.empty();
    private boolean noCache;
    private boolean noStore;
    private boolean onlyIfCached;
    private Optional<Duration> staleIfError = Optional.empty();

    private Builder() {}

    /**
     * {@code max-age} (§5.2.1.1); {@code Duration.ZERO} asks for a response validated now.
     *
     * @param age the oldest response the client accepts
     * @return this builder
     */
    public Builder maxAge(Duration age) {
      this.maxAge = Optional.of(requireNonNull(age, "age"));
      return this;
    }

    /**
     * {@code max-stale} without a value: any staleness (§5.2.1.2); clears a bound given before.
     *
     * @return this builder
     */
    public Builder anyStale() {
      this.anyStale = true;
      this.maxStale = Optional.empty();
      return this;
    }

    /**
     * {@code max-stale=N} (§5.2.1.2); clears {@link #anyStale()}.
     *
     * @param staleness how stale a response the client accepts
     * @return this builder
     */
    public Builder maxStale(Duration staleness) {
      this.maxStale = Optional.of(requireNonNull(staleness, "staleness"));
      this.anyStale = false;
      return this;
    }

    /**
     * {@code min-fresh} (§5.2.1.3).
     *
     * @param fresh how long the response must stay fresh
     * @return this builder
     */
    public Builder minFresh(Duration fresh) {
      this.minFresh = Optional.of(requireNonNull(fresh, "fresh"));
      return this;
    }

    /**
     * {@code no-cache} (§5.2.1.4).
     *
     * @return this builder
     */
    public Builder noCache() {
      this.noCache = true;
      return this;
    }

    /**
     * {@code no-store} (§5.2.1.5).
     *
     * @return this builder
     */
    public Builder noStore() {
      this.noStore = true;
      return this;
    }

    /**
     * {@code only-if-cached} (§5.2.1.7).
     *
     * @return this builder
     */
    public Builder onlyIfCached() {
      this.onlyIfCached = true;
      return this;
    }

    /**
     * {@code stale-if-error} (RFC 5861 §4).
     *
     * @param staleness how stale a response the client accepts when the origin fails
     * @return this builder
     */
    public Builder staleIfError(Duration staleness) {
      this.staleIfError = Optional.of(requireNonNull(staleness, "staleness"));
      return this;
    }

    /**
     * {@return the directives}
     *
     * @throws IllegalArgumentException if a duration is negative
     */
    public CacheControl build() {
      return new CacheControl(
          maxAge, maxStale, anyStale, minFresh, noCache, noStore, onlyIfCached, staleIfError);
    }
  }
}
