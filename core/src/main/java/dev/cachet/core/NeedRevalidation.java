package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.internal.HttpDates;
import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored response needs validation: send {@link #conditionalRequest()} to the origin (RFC 9111
 * §4.3). Core has built it already (V-01): {@code If-None-Match} with the entity tags of every
 * stored response for the key, {@code If-Modified-Since} from the selected one.
 *
 * <p>Transitions: {@link #next} → {@link NeedToBeUpdated} (304 or matching HEAD, V-02, V-05) |
 * {@link InvalidatePairs} (a full response replaces them, V-03) | {@link CacheMiss} (a 304 that
 * selects nothing: send the request unconditionally) | {@link FromCache} ({@code stale-if-error},
 * V-04) | {@link StoreAndUse} | {@link CouldNotBeStored} (a 5xx forwarded, V-04). When the origin
 * cannot be reached, {@link #onOriginUnreachable} says whether a stale response may be served.
 *
 * @param options the machine's options
 * @param request the client's request
 * @param conditionalRequest the request to send to the origin
 * @param selected the stored pair chosen for the request
 * @param nominated every stored pair for the key whose validators the request carries
 * @param status the {@code Cache-Status} parameters so far ({@code fwd=stale} or {@code
 *     fwd=request})
 * @param reason why validation is needed
 */
public record NeedRevalidation(
    CacheOptions options,
    Request request,
    Request conditionalRequest,
    StoredPair selected,
    List<StoredPair> nominated,
    CacheStatus status,
    Reason reason)
    implements CacheState, IdleClient.Next {

  /**
   * What may follow a revalidation: each is a {@link CacheState}, and {@link InvalidatePairs.Next}
   * (stored or not) is one.
   */
  public sealed interface Next extends CacheState
      permits NeedToBeUpdated,
          InvalidatePairs,
          CacheMiss,
          FromCache,
          StoreAndUse,
          CouldNotBeStored,
          InvalidatePairs.Next {}

  /**
   * Creates the state.
   *
   * @param options the machine's options
   * @param request the client's request
   * @param conditionalRequest the request to send to the origin
   * @param selected the stored pair chosen for the request
   * @param nominated every stored pair for the key whose validators the request carries
   * @param status the {@code Cache-Status} parameters so far ({@code fwd=stale} or {@code
   *     fwd=request})
   * @param reason why validation is needed
   */
  public NeedRevalidation {
    requireNonNull(options, "options");
    requireNonNull(request, "request");
    requireNonNull(conditionalRequest, "conditionalRequest");
    requireNonNull(selected, "selected");
    nominated = List.copyOf(nominated);
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
  }

  /**
   * {@return a revalidation of one stored pair, as {@link CachePolicy} and callers that pick the
   * pair themselves need it}
   *
   * @param options the machine's options
   * @param request the client's request
   * @param stored the stored pair to revalidate
   */
  public static NeedRevalidation of(CacheOptions options, Request request, StoredPair stored) {
    return new NeedRevalidation(
        options,
        request,
        Validators.conditional(request, stored, List.of(stored)),
        stored,
        List.of(stored),
        CacheStatus.forwarded(CacheStatus.Forward.STALE),
        Rule.V_01.reason());
  }

  /**
   * Takes the origin's answer to the conditional request.
   *
   * @param response the origin's response
   * @param requestTime when the conditional request was sent
   * @param responseTime when the response was received; also "now" for serving
   * @param newPairId the id of a new pair, if a full response is stored
   * @return the state that follows the origin's answer
   */
  public Next next(Response response, Instant requestTime, Instant responseTime, UUID newPairId) {
    requireNonNull(response, "response");
    requireNonNull(requestTime, "requestTime");
    requireNonNull(responseTime, "responseTime");
    requireNonNull(newPairId, "newPairId");
    RequestFacts req = Request.factsOf(request.headers());
    CacheStatus fwd = status.withFwdStatus(response.status());

    // §4.3.4: the responses that could have been chosen for this request (Vary matches).
    List<StoredPair> sameVariant = new ArrayList<>(nominated.size());
    for (StoredPair p : nominated) {
      if (VaryMatcher.matches(p, request)) {
        sameVariant.add(p);
      }
    }
    Headers received = dated(response.headers(), responseTime);

    if (response.status() == 304) {
      // V-02: freshen the stored responses the 304 selects from that set (§4.3.4).
      List<StoredPair> selectedBy =
          Validators.selectedBy304(
              response, sameVariant, conditionalRequest.headers().contains("If-None-Match"));
      List<StoredPair> merged = freshened(selectedBy, received, requestTime, responseTime);
      Optional<StoredPair> serve =
          merged.size() == 1
              ? Optional.of(merged.get(0))
              : Validators.newestFirst(merged).stream().findFirst();
      if (serve.isEmpty()) {
        return new CacheMiss(
            options, request, CacheStatus.forwarded(CacheStatus.Forward.STALE), Rule.V_02.reason());
      }
      return refreshed(selectedBy, merged, serve.get(), received, req, responseTime, fwd);
    }

    if (response.status() >= 500) {
      // V-04 (§4.3.3): a 5xx while validating is forwarded, or the cache acts as if the origin
      // had not answered and serves stale where stale-if-error allows (500, 502, 503, 504). The
      // stored responses are kept either way, and the error is not stored beside them: an error
      // says nothing about them, and stored as the newest it would shadow them for everyone.
      if (Statuses.isStaleIfErrorStatus(response.status())) {
        Optional<FromCache> stale = staleOnError(req, responseTime, false, fwd);
        if (stale.isPresent()) {
          return stale.get();
        }
      }
      Reason kept = Rule.V_04.reason();
      return new CouldNotBeStored(
          options,
          response.withHeaders(Fields.withoutHopByHop(response.headers())),
          fwd.withDetail(kept.toString()),
          kept);
    }

    if (Storability.answersOneClient(request, response)) {
      // SEC-04: an answer to this client's own preconditions or range (a 412, a 206) says nothing
      // about the stored responses for everyone: they stay, and it is not stored.
      return Serving.storeOrNot(
          options, request, req, response, requestTime, responseTime, newPairId, status);
    }

    InvalidatePairs.Next stored =
        Serving.storeOrNot(
            options, request, req, response, requestTime, responseTime, newPairId, status);

    if (request.method().equals("HEAD") && response.status() == 200) {
      // V-05: a HEAD response updates the stored GET responses it matches, else they are outdated.
      List<StoredPair> gets =
          sameVariant.stream().filter(p -> p.request().method().equals("GET")).toList();
      if (!gets.isEmpty()
          && gets.stream().allMatch(p -> Validators.headMatches(response, p.response()))) {
        List<StoredPair> merged = freshened(gets, received, requestTime, responseTime);
        StoredPair serve = Validators.newestFirst(merged).get(0);
        return refreshed(gets, merged, serve, received, req, responseTime, fwd);
      }
    }
    // V-03: a full response replaces the stored responses for this variant.
    return new InvalidatePairs(options, sameVariant, List.of(), stored);
  }

  /**
   * RFC 9110 §6.6.1: a recipient with a clock records a {@code Date} for a response that has none.
   * A freshening response needs one: otherwise the old stored {@code Date} stays, and with the new
   * response time the freshened response would be stale at once (§4.2.3).
   */
  private static Headers dated(Headers received, Instant responseTime) {
    return received.contains("Date")
        ? received
        : received.plus("Date", HttpDates.format(responseTime));
  }

  /**
   * The origin could not be reached (connection refused, reset, timed out).
   *
   * @param now the current time
   * @return a stale response when {@code stale-if-error} or the "origin unreachable" option allows
   *     it and nothing forbids it (X-02, RFC 5861 §4, RFC 9111 §4.2.4); empty when the caller must
   *     report the failure
   */
  public Optional<FromCache> onOriginUnreachable(Instant now) {
    requireNonNull(now, "now");
    RequestFacts req = Request.factsOf(request.headers());
    return staleOnError(req, now, true, status);
  }

  /**
   * SEC-01: what freshening leads to. Each merged response passes §3's storage rules again, as a
   * new response would (§3.2, §4.3.4): one that still may be stored is written back in its stored
   * form (SEC-02: without the fields qualified {@code private} or {@code no-cache} named, in the
   * old response or the new); one that may no longer be (a 304 that says {@code private} or {@code
   * no-store}, or brings a {@code Set-Cookie} a shared cache refuses) is withdrawn. The client that
   * revalidated gets the merged response in full, with the body stored before.
   *
   * @param olds the stored pairs, in the order of {@code merged}
   * @param merged the same pairs with the freshening response's fields and times
   * @param serve the merged pair to answer with
   */
  // serve is one of merged, and a pair the rules left as it was is the same instance: identity
  // says which.
  @SuppressWarnings("ReferenceEquality")
  private NeedToBeUpdated refreshed(
      List<StoredPair> olds,
      List<StoredPair> merged,
      StoredPair serve,
      Headers freshening,
      RequestFacts req,
      Instant responseTime,
      CacheStatus fwd) {
    // SEC-03: in a shared cache a Set-Cookie the freshening response brings goes to this client
    // only, unless that response itself opts in (public, s-maxage); a stored public 200 does not
    // make a later 304's session cookie everyone's.
    boolean unsolicitedCookie = false;
    if (options.shared() && freshening.contains("Set-Cookie")) {
      ResponseControl own = ResponseControl.of(Response.of(200, freshening), options);
      unsolicitedCookie = !own.isPublic() && !own.hasSMaxAge();
    }
    List<StoredPair> updated = new ArrayList<>(merged.size());
    List<StoredPair> withdrawn = new ArrayList<>(0);
    @Nullable StoredPair body = null;
    Optional<Reason> why = Optional.empty();
    for (int i = 0; i < merged.size(); i++) {
      StoredPair old = olds.get(i);
      StoredPair m = merged.get(i);
      Response candidate =
          unsolicitedCookie
              ? m.response().withHeaders(m.response().headers().without("Set-Cookie"))
              : m.response();
      Request stored = m.request();
      Optional<Reason> whyNot =
          Storability.whyNot(
              stored,
              Request.factsOf(stored.headers()),
              candidate,
              options,
              Age.millis(responseTime));
      boolean authorized =
          whyNot.isEmpty()
              && options.shared()
              && req.authorization()
              && !ResponseControl.of(candidate, options).allowsSharedAuthorized();
      StoredPair outcome;
      if (authorized) {
        // §3.5: this revalidation was made with the client's credentials, and what it brings may
        // be that client's: a shared cache neither writes it into the response it keeps for
        // everyone nor drops that response. Only this client gets the merged one.
        outcome = old;
        if (m == serve) {
          why =
              Optional.of(
                  Rule.S3_06.reason(
                      "freshened by a request with Authorization, without public,"
                          + " must-revalidate or s-maxage"));
        }
      } else if (whyNot.isPresent()) {
        withdrawn.add(old);
        outcome = old;
        if (m == serve) {
          why = Optional.of(Rule.SEC_01.reason("no longer storable: " + whyNot.get().phrase()));
        }
      } else {
        Response kept = Storability.storedForm(candidate, options, List.of(old.response()));
        outcome =
            kept == m.response() ? m : m.withResponse(kept, m.requestTime(), m.responseTime());
        updated.add(outcome);
      }
      if (m == serve) {
        body = outcome;
      }
    }
    CacheStatus served = why.isPresent() ? fwd.withDetail(why.get().toString()) : fwd;
    FromCache full =
        Serving.fromPair(options, request, req, serve, responseTime, served, why, true);
    FromCache then =
        new FromCache(
            options,
            full.response(),
            Optional.of(requireNonNull(body, "body")), // serve is one of merged
            full.replayBody(),
            full.status(),
            full.reason(),
            full.slice());
    return new NeedToBeUpdated(options, updated, withdrawn, then);
  }

  /** S3-12: the pairs with their headers updated from a freshening response, and its times. */
  private static List<StoredPair> freshened(
      List<StoredPair> pairs, Headers received, Instant requestTime, Instant responseTime) {
    List<StoredPair> updated = new ArrayList<>(pairs.size());
    for (StoredPair p : pairs) {
      Headers h = Fields.freshen(p.response().headers(), received);
      updated.add(p.withResponse(p.response().withHeaders(h).shared(), requestTime, responseTime));
    }
    return updated;
  }

  private Optional<FromCache> staleOnError(
      RequestFacts req, Instant now, boolean unreachable, CacheStatus fwd) {
    ResponseControl rc = ResponseControl.of(selected.response(), options);
    boolean clientForbids = req.cacheControl().has("no-cache") || req.pragmaNoCache();
    // OV-05, OV-06: an override that serves stale when the origin cannot be reached.
    Optional<Reason> override =
        unreachable && !clientForbids
            ? Overrides.staleWhenUnreachable(options, request, rc)
            : Optional.empty();
    if (rc.forbidsStale() && override.isEmpty()) {
      return Optional.empty();
    }
    long age = Age.currentAgeMillis(selected, now);
    long staleness = Math.max(0, age - rc.lifetimeMillis(selected.responseTimeMillis()));
    OptionalLong responseSie = rc.seconds("stale-if-error");
    OptionalLong requestSie = req.cacheControl().seconds("stale-if-error");
    boolean allowed =
        !rc.forbidsStale()
            && options.staleIfError()
            && ((!clientForbids && covers(responseSie, staleness))
                || covers(requestSie, staleness));
    Reason why = Rule.X_02.reason("RFC 5861 §4", "stale-if-error");
    if (!allowed
        && !rc.forbidsStale()
        && unreachable
        && options.serveStaleWhenOriginUnreachable()
        && !clientForbids) {
      allowed = true;
      why = Rule.X_02.reason("origin unreachable, serving stale");
    }
    if (!allowed && override.isPresent()) {
      return Optional.of(
          Serving.fromPair(
              options,
              request,
              req,
              selected,
              now,
              Overrides.marked(fwd, override.get()),
              override,
              false));
    }
    if (!allowed) {
      return Optional.empty();
    }
    return Optional.of(
        Serving.fromPair(
            options,
            request,
            req,
            selected,
            now,
            fwd.withDetail(why.toString()),
            Optional.of(why),
            false));
  }

  private static boolean covers(OptionalLong seconds, long stalenessMillis) {
    return seconds.isPresent() && stalenessMillis <= seconds.getAsLong() * 1000;
  }
}
