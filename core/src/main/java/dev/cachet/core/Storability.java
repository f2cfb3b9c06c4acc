package dev.cachet.core;

import dev.cachet.core.internal.RequestFacts;
import java.util.Optional;

/** Whether a response may be stored (RFC 9111 §3), and in what form (§3.1, §5.2.2.7). */
final class Storability {
  private Storability() {}

  /**
   * The reason a response must not be stored, or empty when it may be. The rules are checked in the
   * order of RFC 9111 §3's list.
   */
  static Optional<Reason> whyNot(
      Request request, RequestFacts req, Response response, CacheOptions options) {
    if (!options.cacheableMethods().contains(request.method())) {
      return Optional.of(
          Reason.of("S3-01", "RFC 9111 §3", "method " + request.method() + " is not cached"));
    }
    int status = response.status();
    if (status < 200) {
      return Optional.of(Reason.of("S3-02", "RFC 9111 §3", "non-final response"));
    }
    ResponseControl rc = ResponseControl.of(response, options);
    boolean understood = Statuses.isUnderstood(status);
    if (!understood) {
      return Optional.of(
          Reason.of("S3-03", "RFC 9111 §3", "status " + status + " is not understood"));
    }
    if (req.cacheControl().has("no-store")) {
      return Optional.of(Reason.of("S3-04", "RFC 9111 §5.2.1.5", "no-store in the request"));
    }
    // §5.2.2.3: must-understand with an understood status overrides no-store.
    if (rc.noStore() && !rc.mustUnderstand()) {
      return Optional.of(Reason.of("S3-04", "RFC 9111 §5.2.2.5", "no-store in the response"));
    }
    if (options.shared() && rc.isPrivate()) {
      return Optional.of(
          Reason.of("S3-05", "RFC 9111 §5.2.2.7", "private response in a shared cache"));
    }
    if (options.shared() && req.authorization() && !rc.allowsSharedAuthorized()) {
      return Optional.of(
          Reason.of(
              "S3-06",
              "RFC 9111 §3.5",
              "request with Authorization and no public, must-revalidate or s-maxage"));
    }
    if (response.facts().varyStar()) {
      return Optional.of(Reason.of("R4-05", "RFC 9111 §4.1", "Vary: * never matches"));
    }
    if (options.maximumBodySize().isPresent()
        && response.facts().contentLength().isPresent()
        && response.facts().contentLength().getAsLong() > options.maximumBodySize().getAsLong()) {
      return Optional.of(
          Reason.of("CFG", "CacheOptions.maximumBodySize", "body larger than the maximum size"));
    }
    boolean allowed =
        rc.hasExplicitFreshness()
            || rc.isPublic()
            || (!options.shared() && rc.cc.has("private"))
            || Statuses.isHeuristicallyCacheable(status);
    if (!allowed) {
      return Optional.of(
          Reason.of(
              "S3-07",
              "RFC 9111 §3",
              "no explicit freshness and status " + status + " is not heuristically cacheable"));
    }
    return Optional.empty();
  }

  /**
   * The response as stored: without hop-by-hop fields (S3-08) and, in a shared cache, without the
   * fields {@code private="..."} names (S3-09); its strings are shared with other stored responses
   * where equal.
   */
  static Response storedForm(Response response, CacheOptions options) {
    Headers h = Fields.withoutHopByHop(response.headers());
    if (options.shared()) {
      h = Fields.without(h, ResponseControl.of(response, options).privateFields());
    }
    return (h == response.headers() ? response : response.withHeaders(h)).shared();
  }
}
