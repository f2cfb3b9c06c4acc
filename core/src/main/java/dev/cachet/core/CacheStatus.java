package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The parameters of one cache's member of the {@code Cache-Status} response field (RFC 9211 §2).
 * Terminal states carry one; the adapter renders it with {@link #toFieldValue(String)}.
 *
 * <pre>{@code
 * status.toFieldValue("Cachet"); // Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60
 * }</pre>
 *
 * @param hit the request was satisfied by the cache without contacting the origin (§2.1)
 * @param fwd why the request went forward, when it did (§2.2)
 * @param fwdStatus the status the forwarded request received (§2.3)
 * @param ttl the response's remaining freshness in seconds, negative when stale (§2.4)
 * @param stored the response was stored (§2.5)
 * @param collapsed the request was collapsed with another one (§2.6)
 * @param detail extra detail, such as the reason something was not stored (§2.8)
 */
public record CacheStatus(
    boolean hit,
    Optional<Forward> fwd,
    OptionalInt fwdStatus,
    OptionalLong ttl,
    boolean stored,
    boolean collapsed,
    Optional<String> detail) {

  /** The {@code fwd} values of RFC 9211 §2.2. */
  public enum Forward {
    /** Configured to go forward. */
    BYPASS("bypass"),
    /** The method is not cacheable. */
    METHOD("method"),
    /** Nothing stored for the URI. */
    URI_MISS("uri-miss"),
    /** Stored responses exist, but Vary selects none. */
    VARY_MISS("vary-miss"),
    /** Not stored, for reasons the cache does not tell apart. */
    MISS("miss"),
    /** The request's directives required going forward. */
    REQUEST("request"),
    /** The stored response was stale and needed revalidation. */
    STALE("stale"),
    /** Only part of the response was stored. */
    PARTIAL("partial");

    private final String token;

    Forward(String token) {
      this.token = token;
    }

    /** {@return the token as written in the field} */
    public String token() {
      return token;
    }
  }

  /**
   * Creates a cache status.
   *
   * @param hit the request was satisfied by the cache without contacting the origin (§2.1)
   * @param fwd why the request went forward, when it did (§2.2)
   * @param fwdStatus the status the forwarded request received (§2.3)
   * @param ttl the response's remaining freshness in seconds, negative when stale (§2.4)
   * @param stored the response was stored (§2.5)
   * @param collapsed the request was collapsed with another one (§2.6)
   * @param detail extra detail, such as the reason something was not stored (§2.8)
   */
  public CacheStatus {
    requireNonNull(fwd, "fwd");
    requireNonNull(fwdStatus, "fwdStatus");
    requireNonNull(ttl, "ttl");
    requireNonNull(detail, "detail");
  }

  /**
   * {@return a hit (§2.1), fresh for {@code ttl} more seconds (negative when served stale)}
   *
   * @param ttl the seconds it stays fresh, negative when stale
   */
  public static CacheStatus hit(long ttl) {
    return new CacheStatus(
        true,
        Optional.empty(),
        OptionalInt.empty(),
        OptionalLong.of(ttl),
        false,
        false,
        Optional.empty());
  }

  /**
   * {@return a request that went forward for the reason {@code fwd} (§2.2)}
   *
   * @param fwd why it went forward
   */
  public static CacheStatus forwarded(Forward fwd) {
    requireNonNull(fwd, "fwd");
    return new CacheStatus(
        false,
        Optional.of(fwd),
        OptionalInt.empty(),
        OptionalLong.empty(),
        false,
        false,
        Optional.empty());
  }

  /**
   * {@return this status with the origin's status code}
   *
   * @param status the origin's status code
   */
  public CacheStatus withFwdStatus(int status) {
    return new CacheStatus(hit, fwd, OptionalInt.of(status), ttl, stored, collapsed, detail);
  }

  /**
   * {@return this status with a ttl}
   *
   * @param seconds the seconds the response stays fresh, negative when stale
   */
  public CacheStatus withTtl(long seconds) {
    return new CacheStatus(
        hit, fwd, fwdStatus, OptionalLong.of(seconds), stored, collapsed, detail);
  }

  /** {@return this status marked as stored} */
  public CacheStatus withStored() {
    return new CacheStatus(hit, fwd, fwdStatus, ttl, true, collapsed, detail);
  }

  /** {@return this status marked as collapsed with another request (RFC 9211 §2.6)} */
  public CacheStatus withCollapsed() {
    return new CacheStatus(hit, fwd, fwdStatus, ttl, stored, true, detail);
  }

  /**
   * {@return this status saying the response was not stored after all (§2.5), with the reason as
   * detail: for a store that a storage or an I/O layer gave up after core decided to store}
   *
   * @param why the reason it was not stored
   */
  public CacheStatus notStored(Reason why) {
    requireNonNull(why, "why");
    return new CacheStatus(hit, fwd, fwdStatus, ttl, false, collapsed, Optional.of(why.toString()));
  }

  /**
   * {@return this status with a detail}
   *
   * @param detail the detail, free text
   */
  public CacheStatus withDetail(String detail) {
    return new CacheStatus(
        hit, fwd, fwdStatus, ttl, stored, collapsed, Optional.of(requireNonNull(detail, "detail")));
  }

  /**
   * {@return the field member for a cache of this name, as an RFC 8941 list member: the name as a
   * token when it is one, else as a string, then the parameters}
   *
   * @param cacheName the cache's name, as the field's first item names it
   */
  public String toFieldValue(String cacheName) {
    requireNonNull(cacheName, "cacheName");
    StringBuilder sb = new StringBuilder(64);
    if (isToken(cacheName)) {
      sb.append(cacheName);
    } else {
      appendString(sb, cacheName);
    }
    if (hit) {
      sb.append("; hit");
    }
    fwd.ifPresent(f -> sb.append("; fwd=").append(f.token()));
    fwdStatus.ifPresent(s -> sb.append("; fwd-status=").append(s));
    if (stored) {
      sb.append("; stored");
    }
    if (collapsed) {
      sb.append("; collapsed");
    }
    ttl.ifPresent(t -> sb.append("; ttl=").append(t));
    detail.ifPresent(
        d -> {
          sb.append("; detail=");
          appendString(sb, d);
        });
    return sb.toString();
  }

  private static boolean isToken(String s) {
    if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '*')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** An RFC 8941 sf-string: printable ASCII, with {@code "} and {@code \} escaped. */
  private static void appendString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append('?');
      }
    }
    sb.append('"');
  }
}
