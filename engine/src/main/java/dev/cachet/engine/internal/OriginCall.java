package dev.cachet.engine.internal;

import dev.cachet.core.CacheMiss;
import dev.cachet.core.CacheState;
import dev.cachet.core.CacheStatus;
import dev.cachet.core.CouldNotBeStored;
import dev.cachet.core.FromCache;
import dev.cachet.core.Headers;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.NeedRevalidation;
import dev.cachet.core.NeedToBeUpdated;
import dev.cachet.core.Reason;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.Rule;
import dev.cachet.core.StoreAndUse;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.ResponseHandler;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.storage.BodyWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One request sent to the origin, from the engine's side: when the response's head arrives, takes
 * the next state from core, carries out its storage side, and routes the body — to the caller's
 * sink, teed into storage when the response is stored, or dropped when the cache answers with a
 * stored response instead (a 304, stale-if-error) or a new request (a 304 that selected nothing).
 * What the exchange does next is then {@link #next()}.
 */
final class OriginCall implements ResponseHandler {
  /** What the origin's answer leads to, given the time it was received. */
  interface Decider {
    CacheState decide(Response response, Instant receivedAt);
  }

  /**
   * What the call asks: how core decides on the answer, the stored response it revalidates (if
   * any), and the {@code Cache-Status} to send when no answer comes.
   */
  record Plan(Decider decider, Optional<NeedRevalidation> revalidation, CacheStatus forwarded) {}

  /** What the call is part of: the caller's request and sink, and its exchange's bookkeeping. */
  record Site(
      Request request,
      ResponseSink sink,
      EventBuilder event,
      boolean crowded,
      Consumer<List<StoredPair>> withdrawn) {}

  private final Parts parts;
  private final Site site;
  private final Decider decider;
  private final Optional<NeedRevalidation> revalidation;
  private final CacheStatus forwarded;
  private final Optional<Collapser.Lead> lead;
  private final StoreSettlement settlement;
  private volatile boolean applied;
  private volatile @Nullable CacheState next; // FromCache or CacheMiss when the body is dropped
  private volatile int code;
  private volatile @Nullable CacheStatus status;
  private volatile Optional<Reason> reason = Optional.empty();
  private volatile @Nullable TeeSubscriber tee;
  private volatile boolean mayBlock;

  OriginCall(Parts parts, Site site, Plan plan, Optional<Collapser.Lead> lead) {
    this.parts = parts;
    this.site = site;
    this.decider = plan.decider();
    this.revalidation = plan.revalidation();
    this.forwarded = plan.forwarded();
    this.lead = lead;
    this.settlement =
        new StoreSettlement(outdated -> parts.storage().invalidate(outdated, site.request.uri()));
  }

  /** True once the origin's head arrived. */
  boolean applied() {
    return applied;
  }

  /** The stored response the call revalidated, if it was a revalidation. */
  Optional<NeedRevalidation> revalidation() {
    return revalidation;
  }

  /** What the exchange does next when the body was dropped: a FromCache or a CacheMiss. */
  Optional<CacheState> next() {
    return Optional.ofNullable(next);
  }

  int code() {
    return code;
  }

  /** The Cache-Status sent with the response, or the forwarded one before a head arrived. */
  CacheStatus status() {
    CacheStatus s = status;
    return s != null ? s : forwarded;
  }

  Optional<Reason> reason() {
    return reason;
  }

  /** Runs {@code report} with whether the response was stored, now or once its body settles. */
  void whenStoreSettled(Consumer<Boolean> report) {
    settlement.whenSettled(report);
  }

  /** Lets collapsed requests waiting for this one look up again. */
  void release() {
    lead.ifPresent(Collapser.Lead::release);
  }

  /**
   * Gives up on a body that is being stored: the write is aborted and the origin's stream
   * cancelled, and the stored responses the new one was to replace are kept, since it never arrived
   * whole.
   */
  void abandon(Throwable why) {
    settlement.keepReplaced();
    TeeSubscriber t = tee;
    if (t != null) {
      t.abandon(why);
    }
  }

  @Override
  public boolean bodyMayBlock() {
    return mayBlock;
  }

  @Override
  public Flow.Subscriber<List<ByteBuffer>> onHead(
      int statusCode, Headers fields, Optional<String> httpVersion) {
    applied = true;
    Instant receivedAt = parts.clock().instant();
    EventBuilder event = site.event;
    Response response = Response.of(statusCode, fields);
    CacheState state = decider.decide(response, receivedAt);
    event.visit(state);
    InvalidatePairs outdated = null;
    if (state instanceof InvalidatePairs invalidate) {
      state = invalidate.next();
      event.visit(state);
      outdated = invalidateNow(invalidate, state instanceof StoreAndUse);
    }
    if (state instanceof NeedToBeUpdated update) {
      parts.storage().update(update.updated(), site.request.uri());
      site.withdrawn.accept(update.withdrawn());
      FromCache then = update.next();
      event.visit(then);
      event.outcome(statusCode == 304 ? Outcome.NOT_MODIFIED : Outcome.MODIFIED);
      return dropBody(statusCode, then);
    } else if (state instanceof FromCache fc) {
      event.outcome(Outcome.STALE_IF_ERROR);
      return dropBody(statusCode, fc);
    } else if (state instanceof CacheMiss miss) {
      return dropBody(statusCode, miss);
    } else if (state instanceof StoreAndUse store) {
      // Kept with the pair, so that a hit reports the version its response arrived in.
      StoredPair pair = httpVersion.map(v -> store.pair().withHttpVersion(v)).orElse(store.pair());
      return relay(store.response(), store.status(), Optional.of(pair), outdated);
    } else if (state instanceof CouldNotBeStored notStored) {
      reason = Optional.of(notStored.reason());
      return relay(notStored.response(), notStored.status(), Optional.empty(), null);
    }
    throw new AssertionError(state);
  }

  /**
   * Carries out an invalidation before the response it came with: the keys an unsafe method
   * invalidates (I-01) go now, and so do the replaced pairs unless a new response is being stored,
   * which replaces them once it is (V-03). Returns what goes on settling, if anything.
   */
  private @Nullable InvalidatePairs invalidateNow(InvalidatePairs invalidate, boolean storing) {
    if (!storing) {
      parts.storage().invalidate(invalidate, site.request.uri());
      return null;
    }
    // V-03: until the new response is stored (or fails to be) the stored ones are still what the
    // cache holds, e.g. for stale-while-revalidate. The keys an unsafe method invalidates go now:
    // the response being stored (O-04, a POST kept for GETs) lives under one of them.
    if (!invalidate.keys().isEmpty()) {
      parts
          .storage()
          .invalidate(
              new InvalidatePairs(parts.options(), List.of(), invalidate.keys(), invalidate.next()),
              site.request.uri());
    }
    return new InvalidatePairs(parts.options(), invalidate.pairs(), List.of(), invalidate.next());
  }

  private Flow.Subscriber<List<ByteBuffer>> dropBody(int received, CacheState then) {
    code = received;
    next = then;
    release();
    return new Discarding();
  }

  private Flow.Subscriber<List<ByteBuffer>> relay(
      Response returned,
      CacheStatus cacheStatus,
      Optional<StoredPair> pair,
      @Nullable InvalidatePairs outdated) {
    Optional<BodyWriter> writer =
        pair.flatMap(p -> parts.storage().newWriter(p, site.request.uri()));
    CacheStatus sent = cacheStatus;
    if (pair.isPresent() && writer.isEmpty()) {
      Reason why = Rule.E_01.reason();
      reason = Optional.of(why);
      sent = sent.notStored(why);
    }
    if (writer.isEmpty()) {
      if (outdated != null) {
        parts.storage().invalidate(outdated, site.request.uri());
      }
      release();
    }
    settlement.begin(writer.isPresent(), outdated);
    code = returned.status();
    status = sent;
    ResponseHead head =
        new ResponseHead(
            returned.status(), returned.headers(), sent, parts.cacheName(), Optional.empty());
    Flow.Subscriber<List<ByteBuffer>> downstream;
    try {
      downstream = site.event.background() ? new Discarding() : site.sink.fromOrigin(head);
    } catch (RuntimeException | Error e) {
      // The caller's sink threw: no body will come, so nothing may stay half-written.
      writer.ifPresent(BodyWriter::abort);
      settlement.settled(false);
      release();
      throw e;
    }
    if (writer.isEmpty()) {
      return downstream;
    }
    long expected = -1;
    if (!site.request.method().equals("HEAD") && code != 204 && code != 304) {
      expected = contentLength(returned);
    }
    TeeSubscriber t =
        new TeeSubscriber(
            downstream,
            writer.get(),
            TeeSubscriber.Bounds.of(expected, parts.maximumBodySize()),
            new StoreOutcome(parts, site, settlement, this::release, pair.get()));
    tee = t;
    mayBlock = !parts.storage().commitIsCheap(expected);
    return t;
  }

  private static long contentLength(Response response) {
    Optional<String> v = response.headers().firstValue("Content-Length");
    if (v.isEmpty()) {
      return -1;
    }
    try {
      long n = Long.parseLong(v.get().trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
