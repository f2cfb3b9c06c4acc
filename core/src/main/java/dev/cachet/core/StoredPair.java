package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored request and response, as a cache keeps them (RFC 9111 §3), with the times the age
 * calculation needs (§4.2.3) and, when known, the HTTP version the response arrived in (RFC 9110
 * §2.5). The body is not part of the pair; storage holds it under {@link #id()}. Immutable; equal
 * when all its parts are equal.
 *
 * <p>A pair lives as long as it is stored, so it keeps its two times as epoch nanoseconds rather
 * than as two {@link Instant} objects (times outside 1677–2262 are kept as given); {@link
 * #requestTime()} and {@link #responseTime()} return equal instants.
 */
public final class StoredPair {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final UUID id;
  private final CacheKey key;
  private final Request request;
  private final Response response;
  private final long requestNanos;
  private final long responseNanos;
  private final @Nullable String httpVersion; // null when unknown
  private final @Nullable String reasonPhrase; // null when not kept

  /** Both times as given when either is too far from the epoch for nanoseconds; else null. */
  private final Instant @Nullable [] farTimes;

  /**
   * Creates a pair.
   *
   * @param id the pair's identity, given by the caller when the pair is created
   * @param key the cache key it is stored under
   * @param request the request that produced it (its header fields drive {@code Vary}, §4.1)
   * @param response the stored response, without hop-by-hop fields (§3.1)
   * @param requestTime when the request that produced the response was sent ({@code request_time})
   * @param responseTime when the response was received ({@code response_time})
   * @throws NullPointerException if any argument is null
   */
  public StoredPair(
      UUID id,
      CacheKey key,
      Request request,
      Response response,
      Instant requestTime,
      Instant responseTime) {
    this(id, key, request, response, requestTime, responseTime, (String) null, null);
  }

  /**
   * Creates a pair whose response arrived in a known HTTP version.
   *
   * @param id the pair's identity, given by the caller when the pair is created
   * @param key the cache key it is stored under
   * @param request the request that produced it (its header fields drive {@code Vary}, §4.1)
   * @param response the stored response, without hop-by-hop fields (§3.1)
   * @param requestTime when the request that produced the response was sent ({@code request_time})
   * @param responseTime when the response was received ({@code response_time})
   * @param httpVersion the version the response arrived in, as RFC 9110 §2.5 writes it ({@code
   *     HTTP/1.1}, {@code HTTP/2}); empty when unknown
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if the version is not of the form {@code HTTP/d} or {@code
   *     HTTP/d.d}
   * @see #StoredPair(UUID, CacheKey, Request, Response, Instant, Instant)
   */
  public StoredPair(
      UUID id,
      CacheKey key,
      Request request,
      Response response,
      Instant requestTime,
      Instant responseTime,
      Optional<String> httpVersion) {
    this(
        id,
        key,
        request,
        response,
        requestTime,
        responseTime,
        canonicalVersion(requireNonNull(httpVersion, "httpVersion").orElse(null)),
        null);
  }

  private StoredPair(
      UUID id,
      CacheKey key,
      Request request,
      Response response,
      Instant requestTime,
      Instant responseTime,
      @Nullable String httpVersion,
      @Nullable String reasonPhrase) {
    this.httpVersion = httpVersion;
    this.reasonPhrase = reasonPhrase;
    this.id = requireNonNull(id, "id");
    this.key = requireNonNull(key, "key");
    this.request = requireNonNull(request, "request");
    this.response = requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
    long req = nanos(requestTime);
    long res = nanos(responseTime);
    if (req == Long.MIN_VALUE || res == Long.MIN_VALUE) {
      this.farTimes = new Instant[] {requestTime, responseTime};
      this.requestNanos = 0;
      this.responseNanos = 0;
    } else {
      this.farTimes = null;
      this.requestNanos = req;
      this.responseNanos = res;
    }
  }

  /**
   * The version as one shared string: {@code HTTP/1.1} and {@code HTTP/2} are the usual ones, and a
   * pair lives as long as it is stored.
   */
  private static @Nullable String canonicalVersion(@Nullable String v) {
    if (v == null) {
      return null;
    }
    switch (v) {
      case "HTTP/1.0" -> {
        return "HTTP/1.0";
      }
      case "HTTP/1.1" -> {
        return "HTTP/1.1";
      }
      case "HTTP/2" -> {
        return "HTTP/2";
      }
      case "HTTP/3" -> {
        return "HTTP/3";
      }
      default -> {}
    }
    boolean valid =
        v.length() >= 6
            && v.startsWith("HTTP/")
            && isDigit(v.charAt(5))
            && (v.length() == 6 || (v.length() == 8 && v.charAt(6) == '.' && isDigit(v.charAt(7))));
    if (!valid) {
      throw new IllegalArgumentException("not an HTTP version (RFC 9110 §2.5): " + v);
    }
    return v;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The instant in epoch nanoseconds, or {@link Long#MIN_VALUE} when it does not fit. */
  private static long nanos(Instant t) {
    long s = t.getEpochSecond();
    // Long.MIN_VALUE itself is kept out, as the marker.
    if (s >= Long.MAX_VALUE / NANOS_PER_SECOND || s <= Long.MIN_VALUE / NANOS_PER_SECOND) {
      return Long.MIN_VALUE;
    }
    return s * NANOS_PER_SECOND + t.getNano();
  }

  /** {@return the pair's identity, given by the caller when the pair is created} */
  public UUID id() {
    return id;
  }

  /** {@return the cache key it is stored under} */
  public CacheKey key() {
    return key;
  }

  /** {@return the request that produced it (its header fields drive {@code Vary}, §4.1)} */
  public Request request() {
    return request;
  }

  /** {@return the stored response, without hop-by-hop fields (§3.1)} */
  public Response response() {
    return response;
  }

  /**
   * {@return when the request that produced the response was sent ({@code request_time}, §4.2.3)}
   */
  public Instant requestTime() {
    return farTimes != null ? farTimes[0] : Instant.ofEpochSecond(0, requestNanos);
  }

  /** {@return when the response was received ({@code response_time}, §4.2.3)} */
  public Instant responseTime() {
    return farTimes != null ? farTimes[1] : Instant.ofEpochSecond(0, responseNanos);
  }

  /**
   * {@return the HTTP version the response arrived in, as RFC 9110 §2.5 writes it ({@code
   * HTTP/1.1}, {@code HTTP/2}); empty when unknown, as for a pair stored before versions were kept}
   */
  public Optional<String> httpVersion() {
    // The canonical versions' Optionals are shared: a hit asks for the version every time.
    if (httpVersion == null) {
      return Optional.empty();
    }
    return switch (httpVersion) {
      case "HTTP/1.1" -> HTTP_1_1;
      case "HTTP/2" -> HTTP_2;
      default -> Optional.of(httpVersion);
    };
  }

  /**
   * {@return the reason phrase of the status line the response arrived with (RFC 9112 §4), when
   * kept: a shell that writes status lines, such as a proxy, can serve a stored response with the
   * origin's own phrase; empty when not kept, as over HTTP/2, which has none}
   */
  public Optional<String> reasonPhrase() {
    return Optional.ofNullable(reasonPhrase);
  }

  private static final Optional<String> HTTP_1_1 = Optional.of("HTTP/1.1");
  private static final Optional<String> HTTP_2 = Optional.of("HTTP/2");

  /** {@link #requestTime()} as {@link Age#millis(Instant)} gives it, without an object. */
  long requestTimeMillis() {
    return farTimes != null ? Age.millis(farTimes[0]) : Math.floorDiv(requestNanos, 1_000_000L);
  }

  /** {@link #responseTime()} as {@link Age#millis(Instant)} gives it, without an object. */
  long responseTimeMillis() {
    return farTimes != null ? Age.millis(farTimes[1]) : Math.floorDiv(responseNanos, 1_000_000L);
  }

  /**
   * {@return this pair with another response and exchange times, as after a freshening 304
   * (§4.3.4); the HTTP version and reason phrase stay the stored response's, whose status and body
   * are still the ones served}
   *
   * @param response the freshened response
   * @param requestTime when the freshening request was sent
   * @param responseTime when the freshening response was received
   */
  public StoredPair withResponse(Response response, Instant requestTime, Instant responseTime) {
    return new StoredPair(
        id, key, request, response, requestTime, responseTime, httpVersion, reasonPhrase);
  }

  /**
   * {@return this pair with another request, as when a storage keeps only the request fields it
   * needs to match {@code Vary} (§4.1); everything else stays}
   *
   * @param request the request to keep instead
   */
  public StoredPair withRequest(Request request) {
    requireNonNull(request, "request");
    return new StoredPair(
        id, key, request, response, requestTime(), responseTime(), httpVersion, reasonPhrase);
  }

  /**
   * {@return this pair with the HTTP version its response arrived in}
   *
   * @param httpVersion the version, as RFC 9110 §2.5 writes it ({@code HTTP/1.1}, {@code HTTP/2})
   * @throws IllegalArgumentException if the version is not of the form {@code HTTP/d} or {@code
   *     HTTP/d.d}
   */
  public StoredPair withHttpVersion(String httpVersion) {
    requireNonNull(httpVersion, "httpVersion");
    return new StoredPair(
        id,
        key,
        request,
        response,
        requestTime(),
        responseTime(),
        canonicalVersion(httpVersion),
        reasonPhrase);
  }

  /**
   * {@return this pair with the reason phrase of the status line its response arrived with (RFC
   * 9112 §4)}
   *
   * @param reasonPhrase the phrase: one or more tabs, spaces, visible ASCII characters or {@code
   *     obs-text} (U+0080 to U+00FF)
   * @throws IllegalArgumentException if the phrase is empty or has any other character
   */
  public StoredPair withReasonPhrase(String reasonPhrase) {
    if (!isReasonPhrase(requireNonNull(reasonPhrase, "reasonPhrase"))) {
      throw new IllegalArgumentException("not a reason phrase (RFC 9112 §4): " + reasonPhrase);
    }
    return new StoredPair(
        id, key, request, response, requestTime(), responseTime(), httpVersion, reasonPhrase);
  }

  /**
   * {@return whether the text is a reason phrase as RFC 9112 §4 defines it: {@code 1*( HTAB / SP /
   * VCHAR / obs-text )}}
   *
   * @param text the text
   */
  public static boolean isReasonPhrase(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c == '\t' || (c >= ' ' && c != 0x7F && c <= 0xFF))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    return o instanceof StoredPair p
        && p.requestNanos == requestNanos
        && p.responseNanos == responseNanos
        && p.id.equals(id)
        && p.key.equals(key)
        && p.request.equals(request)
        && p.response.equals(response)
        && Objects.equals(p.httpVersion, httpVersion)
        && Objects.equals(p.reasonPhrase, reasonPhrase)
        && java.util.Arrays.equals(p.farTimes, farTimes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, key, request, response, requestTime(), responseTime(), httpVersion, reasonPhrase);
  }

  @Override
  public String toString() {
    return "StoredPair[id="
        + id
        + ", key="
        + key
        + ", request="
        + request
        + ", response="
        + response
        + ", requestTime="
        + requestTime()
        + ", responseTime="
        + responseTime()
        + (httpVersion == null ? "" : ", httpVersion=" + httpVersion)
        + (reasonPhrase == null ? "" : ", reasonPhrase=" + reasonPhrase)
        + "]";
  }
}
