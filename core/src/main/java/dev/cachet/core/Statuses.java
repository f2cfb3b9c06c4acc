package dev.cachet.core;

/** What the cache knows about status codes (RFC 9110 §15, RFC 9111 §3 and §4.2.2). */
final class Statuses {
  private Statuses() {}

  /** F-05: statuses defined as heuristically cacheable (RFC 9110 §15.1). */
  static boolean isHeuristicallyCacheable(int status) {
    return switch (status) {
      case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
      default -> false;
    };
  }

  /**
   * S3-03: the final statuses whose caching requirements Cachet understands (§3, §5.2.2.3): those
   * RFC 9110 defines, and 451 (RFC 7725), except 206 (Cachet does not combine partial content) and
   * 304 (used only to validate). A response with another status is still stored when its own
   * directives allow it (O-01), unless it says {@code must-understand}.
   */
  static boolean isUnderstood(int status) {
    return switch (status) {
      case 200, 201, 202, 203, 204, 205 -> true;
      case 300, 301, 302, 303, 305, 307, 308 -> true;
      case 400,
          401,
          402,
          403,
          404,
          405,
          406,
          407,
          408,
          409,
          410,
          411,
          412,
          413,
          414,
          415,
          416,
          417,
          421,
          422,
          426,
          451 ->
          true;
      case 500, 501, 502, 503, 504, 505 -> true;
      default -> false;
    };
  }

  /** V-04, X-02: the errors during which {@code stale-if-error} applies (RFC 5861 §4). */
  static boolean isStaleIfErrorStatus(int status) {
    return status == 500 || status == 502 || status == 503 || status == 504;
  }
}
