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
import dev.cachet.core.StorePart;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.ResponseHandler;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.storage.BodyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

  /**
   * X-02, V-04: the stale response a revalidation may serve when the call failed with no answer at
   * all from the origin (refused, reset, timed out).
   *
   * @param cause why the call failed
   * @param now the time now
   * @return the stale response to serve, if any
   */
  Optional<FromCache> staleIfUnreachable(Throwable cause, Instant now) {
    if (applied || revalidation.isEmpty() || !(cause instanceof IOException)) {
      return Optional.empty();
    }
    return revalidation.get().onOriginUnreachable(now);
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
      int statusCode, Headers fields, Optional<String> httpVersion, Optional<String> reasonPhrase) {
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
      outdated =
          parts
              .storage()
              .invalidateBefore(
                  invalidate, state instanceof StoreAndUse, parts.options(), site.request.uri());
    }
    if (state instanceof NeedToBeUpdated update) {
      parts.storage().update(update.updated(), site.request.uri());
      // SEC-01: from now on no other look-up finds the pairs this freshening withdrew.
      parts.storage().withdraw(update.withdrawn());
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
      StoredPair pair = asReceived(store.pair(), httpVersion, reasonPhrase);
      Optional<BodyWriter> writer = parts.storage().newWriter(pair, site.request.uri());
      return relay(
          store.response(),
          store.status(),
          Optional.of(
              new Store(
                  writer,
                  Rule.E_01,
                  () -> new StoreOutcome(parts, site, settlement, this::release, pair))),
          outdated);
    } else if (state instanceof StorePart part) {
      // P-04, P-05: the 206's bytes join their partial entry, where the storage keeps them.
      boolean keeps = parts.storage().keepsPartialEntries();
      Optional<BodyWriter> writer =
          keeps
              ? parts.storage().newPartWriter(part.pair(), part.part(), site.request.uri())
              : Optional.empty();
      return relay(
          part.response(),
          part.status(),
          Optional.of(
              new Store(
                  writer,
                  keeps ? Rule.E_01 : Rule.E_02,
                  () ->
                      new PartOutcome(
                          parts, site.request().uri(), settlement, this::release, part))),
          null);
    } else if (state instanceof CouldNotBeStored notStored) {
      reason = Optional.of(notStored.reason());
      return relay(notStored.response(), notStored.status(), Optional.empty(), null);
    }
    throw new AssertionError(state);
  }

  /**
   * RFC 9211: the sink learns this cache's member for the failed exchange, unless it had a head.
   */
  void failedBeforeHead() {
    if (!applied) {
      site.sink.originFailed(status().toFieldValue(parts.cacheName()));
    }
  }

  /** The pair to store, with the version and reason phrase (when one) its response arrived with. */
  private static StoredPair asReceived(
      StoredPair p, Optional<String> version, Optional<String> phrase) {
    StoredPair v = version.map(p::withHttpVersion).orElse(p);
    return phrase.filter(StoredPair::isReasonPhrase).map(v::withReasonPhrase).orElse(v);
  }

  private Flow.Subscriber<List<ByteBuffer>> dropBody(int received, CacheState then) {
    code = received;
    next = then;
    release();
    return new Discarding();
  }

  /**
   * A response core decided to store: its writer (empty when the storage refused it, for the reason
   * {@code refused}), and what happens once its body settles.
   */
  private record Store(
      Optional<BodyWriter> writer, Rule refused, Supplier<TeeSubscriber.Outcome> outcome) {}

  private Flow.Subscriber<List<ByteBuffer>> relay(
      Response returned,
      CacheStatus cacheStatus,
      Optional<Store> store,
      @Nullable InvalidatePairs outdated) {
    Optional<BodyWriter> writer = store.flatMap(Store::writer);
    CacheStatus sent = cacheStatus;
    if (store.isPresent() && writer.isEmpty()) {
      Reason why = store.get().refused().reason();
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
    long expected = BodyLength.expected(site.request, returned);
    TeeSubscriber t =
        new TeeSubscriber(
            downstream,
            writer.get(),
            TeeSubscriber.Bounds.of(expected, parts.maximumBodySize()),
            store.get().outcome().get());
    tee = t;
    mayBlock = !parts.storage().commitIsCheap(expected);
    return t;
  }
}
