package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheMiss;
import dev.cachet.core.CacheState;
import dev.cachet.core.CacheStatus;
import dev.cachet.core.FromCache;
import dev.cachet.core.IdleClient;
import dev.cachet.core.NeedRevalidation;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.Reason;
import dev.cachet.core.Request;
import dev.cachet.core.Rule;
import dev.cachet.core.StaleWhileRevalidate;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseSink;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One request through the cache: drives the core states from {@link IdleClient} to a terminal state
 * (the diagram is in {@code dev.cachet.core}'s package documentation) and carries out what each
 * says: a stored body to the sink, a request to the origin ({@link OriginCall}), a wait for another
 * request's response ({@link Collapser}), a revalidation behind a stale response ({@link
 * BackgroundRevalidation}). Not thread-safe: one request's state, handed from stage to stage
 * through its futures.
 */
final class StateLoop {
  private static final CacheStatus FORWARDED_STALE =
      CacheStatus.forwarded(CacheStatus.Forward.STALE);
  private static final Optional<Collapser.Lead> NO_LEAD = Optional.empty();

  private final Parts parts;
  private final CacheRequest caller;
  private final Request request;
  private final Origin origin;
  private final ResponseSink sink;
  private final boolean background;
  // Built on first use: a hit told to nobody needs none.
  private @Nullable EventBuilder event;
  private volatile @Nullable OriginCall current; // the origin exchange under way, if any
  private volatile boolean abandoned;
  private boolean collapsed;
  // SEC-06: the look-up found the key at its bound of variants, so a store trims it.
  private boolean crowded;
  // SEC-01: stored pairs a freshening response withdrew, removed once their body is open.
  // Written by the origin call's head handler, read once its future completes (which orders them).
  private List<StoredPair> withdrawn = List.of();
  // P-05: the partial entries of the key, which a 206 may join.
  private List<PartialEntry> partials = List.of();

  StateLoop(
      Parts parts, CacheRequest caller, Origin origin, ResponseSink sink, boolean background) {
    this.parts = parts;
    this.caller = caller;
    this.request = caller.request();
    this.origin = origin;
    this.sink = sink;
    this.background = background;
  }

  Request request() {
    return request;
  }

  ResponseSink sink() {
    return sink;
  }

  boolean background() {
    return background;
  }

  /** Whether the request waited for another's response (B-03). */
  boolean collapsed() {
    return collapsed;
  }

  EventBuilder event() {
    if (event == null) {
      event =
          new EventBuilder(parts.reporter().listening(), background, parts.cacheName(), request);
    }
    return event;
  }

  /** Looks the request up on the calling thread; a fresh hit completes before this returns. */
  CompletableFuture<Void> start() {
    return lookUp(true);
  }

  /** The background half of {@code stale-while-revalidate}. */
  BackgroundRevalidation.Running revalidateBehind(NeedRevalidation revalidation) {
    event().start("StaleWhileRevalidate");
    return new BackgroundRevalidation.Running(revalidate(revalidation), this::abandon);
  }

  /**
   * Gives up on a background revalidation that outlasted its time: a body being stored is aborted
   * and its stream cancelled (the stored responses stay), and nothing later is counted or told.
   */
  private void abandon(Throwable why) {
    abandoned = true;
    OriginCall call = current;
    if (call != null) {
      call.abandon(why);
    }
  }

  private CompletableFuture<Void> lookUp(boolean mayCollapse) {
    CacheKey key = request.key();
    List<StoredPair> stored = parts.storage().find(key, request.uri());
    crowded = stored.size() >= parts.options().maximumVariantsPerKey();
    partials = parts.storage().partialsFor(request, parts.options());
    IdleClient.Next next = parts.idle().next(request, stored, partials, parts.clock().instant());
    if (next instanceof FromCache hit) {
      return serve(hit, hit.pair().isPresent() ? Outcome.HIT : Outcome.GATEWAY_TIMEOUT);
    }
    event().start("IdleClient");
    if (next instanceof StaleWhileRevalidate swr) {
      event().visit(swr);
      // The stale body is opened (and, for a sink that takes it at once, replayed) before the
      // revalidation starts: a new response it stores may replace the old pair and its body.
      CompletableFuture<Void> served = serve(swr.serve(), Outcome.STALE_WHILE_REVALIDATE);
      parts
          .background()
          .start(
              caller,
              origin,
              swr.revalidate(),
              (r, o, nr) -> new StateLoop(parts, r, o, sink, true).revalidateBehind(nr));
      return served;
    } else if (next instanceof NeedRevalidation nr) {
      return revalidate(nr);
    } else if (next instanceof CacheMiss miss) {
      return mayCollapse && !background && Collapser.mayCollapse(caller, miss)
          ? collapse(key, miss)
          : miss(miss, request.isSafe() ? Outcome.MISS : Outcome.WRITE_THROUGH, NO_LEAD);
    }
    throw new AssertionError(next);
  }

  // ---- answering from storage ----

  private CompletableFuture<Void> serve(FromCache fc, Outcome outcome) {
    List<StoredPair> withdraw = withdrawn;
    withdrawn = List.of();
    boolean served;
    try {
      served = parts.answer().serve(this, fc, outcome, withdraw);
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
    return served ? Completed.DONE : bodyLost(fc);
  }

  /** The stored body is gone (evicted, removed) or unreadable: ask the origin instead. */
  private CompletableFuture<Void> bodyLost(FromCache fc) {
    Reason why = Rule.R4_01.reason("the stored body is gone or unreadable");
    CacheStatus status =
        CacheStatus.forwarded(CacheStatus.Forward.URI_MISS).withDetail(why.toString());
    event().start("IdleClient").visit(fc);
    return miss(new CacheMiss(parts.options(), request, status, why), Outcome.MISS, NO_LEAD);
  }

  // ---- going to the origin ----

  private CompletableFuture<Void> revalidate(NeedRevalidation nr) {
    event().visit(nr).outcome(Outcome.MODIFIED);
    var sentAt = parts.clock().instant();
    return send(
        nr.conditionalRequest(),
        new OriginCall.Plan(
            (response, at) -> nr.next(response, sentAt, at, UUID.randomUUID()),
            Optional.of(nr),
            FORWARDED_STALE),
        NO_LEAD);
  }

  private CompletableFuture<Void> miss(
      CacheMiss miss, Outcome outcome, Optional<Collapser.Lead> lead) {
    event().visit(miss).outcome(outcome);
    var sentAt = parts.clock().instant();
    List<PartialEntry> known = partials;
    return send(
        miss.request(),
        new OriginCall.Plan(
            (response, at) -> miss.next(response, sentAt, at, UUID.randomUUID(), known),
            Optional.empty(),
            miss.status()),
        lead);
  }

  private CompletableFuture<Void> send(
      Request toSend, OriginCall.Plan plan, Optional<Collapser.Lead> lead) {
    var site = new OriginCall.Site(request, sink, event(), crowded, w -> withdrawn = w);
    OriginCall call = new OriginCall(parts, site, plan, lead);
    current = call;
    CompletableFuture<?> sent;
    try {
      sent = origin.send(new OriginRequest(toSend, background), call);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle((r, error) -> error)
        .thenCompose(error -> error == null ? answered(call) : failed(error, call));
  }

  private CompletableFuture<Void> failed(Throwable error, OriginCall call) {
    call.release();
    // SEC-01: pairs a freshening withdrew go even when this exchange then fails.
    parts.storage().remove(withdrawn, request.uri());
    withdrawn = List.of();
    Throwable cause = BackgroundRevalidation.unwrap(error);
    Optional<FromCache> stale = call.staleIfUnreachable(cause, parts.clock().instant());
    if (stale.isPresent() && !background) {
      event().visit(stale.get());
      return serve(stale.get(), Outcome.STALE_IF_ERROR);
    } else if (stale.isPresent()) {
      return CompletableFuture.failedFuture(cause);
    }
    if (!background) {
      // Counted as the miss or revalidation it was; background failures are told otherwise.
      parts.reporter().originError(event(), call.code(), call.status());
      call.failedBeforeHead();
    }
    return CompletableFuture.failedFuture(cause);
  }

  private CompletableFuture<Void> answered(OriginCall call) {
    if (abandoned) {
      // A background revalidation given up on (and told to the listener as such) that got its
      // answer after all: nothing more is counted or told of it.
      return Completed.DONE;
    }
    Optional<CacheState> next = call.next();
    if (next.isPresent() && next.get() instanceof FromCache fc) {
      if (background) {
        parts.answer().settleBehind(this, fc, call.code(), withdrawn);
        withdrawn = List.of();
        return Completed.DONE;
      }
      // A stored response answers in place of this one (a 304, stale-if-error).
      return serve(fc, event().outcome());
    } else if (next.isPresent() && next.get() instanceof CacheMiss m) {
      return miss(m, Outcome.MODIFIED, NO_LEAD);
    }
    EventBuilder e = event();
    parts.reporter().count(e.outcome(), background);
    e.response(call.code(), call.status()).reason(call.reason());
    // RFC 9211 §2.5: "stored" says whether the cache stored the response. The caller's field was
    // sent with the head and can only say the cache set out to; the event says what happened, so
    // with a body still streaming it waits until the body has been committed or abandoned.
    call.whenStoreSettled(
        stored -> {
          e.stored(stored);
          parts.reporter().tell(e);
        });
    return Completed.DONE;
  }

  // ---- collapsing (B-03) ----

  /**
   * B-03: the first miss for a key goes to the origin; the others wait until its response is stored
   * (or found not storable), then look up again: a hit is marked {@code collapsed}, a miss goes to
   * the origin itself.
   */
  private CompletableFuture<Void> collapse(CacheKey key, CacheMiss miss) {
    Optional<Collapser.Lead> lead = parts.collapser().lead(key);
    if (lead.isPresent()) {
      CompletableFuture<Void> f;
      try {
        f = miss(miss, Outcome.MISS, lead);
      } catch (RuntimeException | Error e) {
        lead.get().release();
        throw e;
      }
      return f.whenComplete((r, e) -> lead.get().releaseIf(e != null));
    }
    parts.reporter().collapsed();
    return parts
        .collapser()
        .follow(key, caller.timeout())
        .thenComposeAsync(
            v -> {
              collapsed = true;
              event().restart(request);
              return lookUp(false);
            },
            parts.workers()::resume);
  }
}
