package dev.cachet.core;

import dev.cachet.core.internal.RequestFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Whether a response may be stored (RFC 9111 §3), and in what form (§3.1, §5.2.2.7). */
final class Storability {
  private Storability() {}

  /**
   * Request fields that make the response answer only this request: preconditions the cache did not
   * generate, and {@code Range} (SEC-04; RFC 9110 §13.1, §14.2). The cache's own conditions ({@code
   * If-None-Match}, {@code If-Modified-Since}) are not among them: a 200 to them is the full
   * representation.
   */
  private static final String[] ONE_CLIENTS_FIELDS = {
    "If-Match", "If-Unmodified-Since", "If-Range", "Range"
  };

  /**
   * The reason a response must not be stored, or empty when it may be. The rules are checked in the
   * order of RFC 9111 §3's list, then the shared-cache safety rules (SEC-03, SEC-04, SEC-09).
   *
   * @param responseTimeMillis when the response was received, for its freshness lifetime
   */
  static Optional<Reason> whyNot(
      Request request,
      RequestFacts req,
      Response response,
      CacheOptions options,
      long responseTimeMillis) {
    if (!options.cacheableMethods().contains(request.method())
        && !answersGets(request, response, options)) {
      return Optional.of(Rule.S3_01.reason("method " + request.method() + " is not cached"));
    }
    int status = response.status();
    if (status < 200) {
      return Optional.of(Rule.S3_02.reason());
    }
    ResponseControl rc = ResponseControl.of(response, options);
    // S3-03: 206 and 304 are never stored as such (Cachet does not combine partial content; a
    // 304 only validates), nor a status outside HTTP's 100-599. Any other status is stored by the
    // usual rules (O-01), except with must-understand when the status is not one Cachet knows
    // (§5.2.2.3): then its requirements may not be understood.
    boolean understood = Statuses.isUnderstood(status);
    if (status == 206 || status == 304 || status > 599 || (!understood && rc.mustUnderstand())) {
      return Optional.of(Rule.S3_03.reason("status " + status + " is not understood"));
    }
    if (status == 412 || status == 416) {
      return Optional.of(
          Rule.SEC_04.reason(
              "RFC 9110 §13.1, §14.2",
              "status " + status + " answers one client's precondition or range"));
    }
    Optional<String> own = ownField(request);
    if (own.isPresent()) {
      return Optional.of(
          Rule.SEC_04.reason(
              "RFC 9111 §3, RFC 9110 §13.1", "response to a request with " + own.get()));
    }
    if (req.cacheControl().has("no-store")) {
      return Optional.of(Rule.S3_04.reason("RFC 9111 §5.2.1.5", "no-store in the request"));
    }
    // §5.2.2.3: must-understand with an understood status overrides no-store.
    if (rc.noStore() && !rc.mustUnderstand()) {
      return Optional.of(Rule.S3_04.reason("RFC 9111 §5.2.2.5", "no-store in the response"));
    }
    if (options.shared() && rc.isPrivate()) {
      return Optional.of(Rule.S3_05.reason());
    }
    if (options.shared() && req.authorization() && !rc.allowsSharedAuthorized()) {
      return Optional.of(Rule.S3_06.reason());
    }
    if (options.shared()
        && options.fieldsAddedOutOfSight().contains("authorization")
        && !rc.allowsSharedAuthorized()) {
      return Optional.of(
          Rule.S3_06.reason(
              "Authorization may be added out of the cache's sight, and no public,"
                  + " must-revalidate or s-maxage"));
    }
    if (options.shared()
        && response.headers().contains("Set-Cookie")
        && !rc.isPublic()
        && !rc.hasSMaxAge()
        && !named(rc, "set-cookie", options)) {
      // Varnish, nginx and Fastly do not store such a response by default: replaying one user's
      // session cookie to every client is the classic shared-cache leak (RFC 9111 §7.3).
      return Optional.of(Rule.SEC_03.reason());
    }
    if (response.facts().varyMalformed()) {
      return Optional.of(Rule.SEC_05.reason());
    }
    if (response.facts().varyStar()) {
      return Optional.of(Rule.R4_05.reason("Vary: * never matches"));
    }
    for (String name : response.facts().varyNames()) {
      if (options.fieldsAddedOutOfSight().contains(name)) {
        return Optional.of(
            Rule.R4_05.reason("varies on " + name + ", which is added out of the cache's sight"));
      }
    }
    if (options.maximumBodySize().isPresent()
        && response.facts().contentLength().isPresent()
        && response.facts().contentLength().getAsLong() > options.maximumBodySize().getAsLong()) {
      return Optional.of(Rule.CFG.reason());
    }
    boolean allowed =
        rc.hasExplicitFreshness()
            || rc.isPublic()
            || (!options.shared() && rc.cc.has("private"))
            || Statuses.isHeuristicallyCacheable(status)
            || Overrides.cachesStatus(options, request, status); // OV-04, after every refusal
    if (!allowed) {
      return Optional.of(
          Rule.S3_07.reason(
              "no explicit freshness and status " + status + " is not heuristically cacheable"));
    }
    if (neverReusable(rc, request, response, options, responseTimeMillis)) {
      return Optional.of(Rule.SEC_09.reason());
    }
    return Optional.empty();
  }

  /**
   * SEC-09: a response that is never fresh (or must always be validated), carries no validator and
   * allows no stale reuse could only ever be replaced, never reused: storing it lets any client
   * churn the cache. Kept when {@code stale-while-revalidate} or {@code stale-if-error} may serve
   * it (RFC 5861).
   */
  private static boolean neverReusable(
      ResponseControl rc,
      Request request,
      Response response,
      CacheOptions options,
      long responseTimeMillis) {
    if (response.facts().etag().isPresent() || response.facts().lastModified().isPresent()) {
      return false;
    }
    // OV-01, OV-03, OV-04: a lifetime an override gives makes it reusable.
    boolean fresh =
        Overrides.lifetime(options, request, rc, responseTimeMillis).freshAt(0, rc.noCache());
    if (fresh) {
      return false;
    }
    if (rc.forbidsStale()) {
      return true;
    }
    boolean swr =
        options.staleWhileRevalidate() && rc.seconds("stale-while-revalidate").orElse(0) > 0;
    boolean sie = options.staleIfError() && rc.seconds("stale-if-error").orElse(0) > 0;
    return !(swr || sie);
  }

  /**
   * SEC-04: true when the response answers only this request: a 412 or 416, or any answer to a
   * request with preconditions the cache did not make or with {@code Range}.
   */
  static boolean answersOneClient(Request request, Response response) {
    return response.status() == 412 || response.status() == 416 || makesItsOwn(request);
  }

  /** SEC-04: the request carries preconditions the cache did not make, or {@code Range}. */
  static boolean makesItsOwn(Request request) {
    return ownField(request).isPresent();
  }

  /** The first SEC-04 field the request carries. */
  private static Optional<String> ownField(Request request) {
    for (String field : ONE_CLIENTS_FIELDS) {
      if (request.headers().contains(field)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }

  /**
   * O-04: a POST response that says it is the representation of the request's URI ({@code
   * Content-Location} equal to it) and gives explicit freshness may answer later GETs of that URI
   * (RFC 9110 §9.3.3), when the options allow it.
   */
  static boolean answersGets(Request request, Response response, CacheOptions options) {
    if (!options.reusePostResponses() || !request.method().equals("POST")) {
      return false;
    }
    if (!ResponseControl.of(response, options).hasExplicitFreshness()) {
      return false;
    }
    return Invalidation.resolve(request.uri(), response.headers().firstValue("Content-Location"))
        .map(u -> CacheKey.of(u).equals(request.key()))
        .orElse(false);
  }

  /** True when a qualified {@code private} (shared caches) or {@code no-cache} names the field. */
  private static boolean named(ResponseControl rc, String lowerCaseName, CacheOptions options) {
    return rc.noCacheFields().contains(lowerCaseName)
        || (options.shared() && rc.privateFields().contains(lowerCaseName));
  }

  /**
   * The response as stored: without hop-by-hop fields (S3-08), without the fields {@code
   * no-cache="..."} names and, in a shared cache, without those {@code private="..."} names (S3-09,
   * SEC-02); its strings are shared with other stored responses where equal.
   */
  static Response storedForm(Response response, CacheOptions options) {
    return storedForm(response, options, List.of());
  }

  /**
   * As {@link #storedForm(Response, CacheOptions)}, also without the fields that {@code earlier}'s
   * qualified directives name (SEC-02): a 304 that freshens a response whose 200 said {@code
   * private="Set-Cookie"} cannot slip a {@code Set-Cookie} into the store by carrying a {@code
   * Cache-Control} of its own.
   */
  // The same Headers instance means no field was removed, and the response is kept as it is.
  @SuppressWarnings("ReferenceEquality")
  static Response storedForm(Response response, CacheOptions options, List<Response> earlier) {
    Headers h = Fields.withoutHopByHop(response.headers());
    List<String> named = namedFields(response, options);
    if (!earlier.isEmpty()) {
      named = new ArrayList<>(named);
      for (Response e : earlier) {
        named.addAll(namedFields(e, options));
      }
    }
    h = Fields.without(h, named);
    return (h == response.headers() ? response : response.withHeaders(h)).shared();
  }

  private static List<String> namedFields(Response response, CacheOptions options) {
    ResponseControl rc = ResponseControl.of(response, options);
    List<String> noCache = rc.noCacheFields();
    List<String> privateNamed = options.shared() ? rc.privateFields() : List.of();
    if (privateNamed.isEmpty()) {
      return noCache;
    }
    if (noCache.isEmpty()) {
      return privateNamed;
    }
    List<String> all = new ArrayList<>(noCache);
    all.addAll(privateNamed);
    return all;
  }
}
