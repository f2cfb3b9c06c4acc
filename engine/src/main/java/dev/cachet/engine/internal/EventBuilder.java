package dev.cachet.engine.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheState;
import dev.cachet.core.CacheStatus;
import dev.cachet.core.Reason;
import dev.cachet.core.Request;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheEvent.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One look-up's event, assembled as the exchange goes: the states it passes through, then its
 * outcome. Keeps the path only when a listener hears it ({@code tracking}), so the hit path builds
 * nothing it would throw away. Not thread-safe: one exchange's, handed on with it.
 */
final class EventBuilder {
  private static final List<String> HIT_PATH = List.of("IdleClient", "FromCache");

  private final boolean tracking;
  private final boolean background;
  private final String cacheName;
  private Request request;
  private @Nullable List<String> states; // null until the path leaves the plain hit
  private Outcome outcome = Outcome.MISS;
  private int statusCode;
  private @Nullable CacheStatus status;
  private boolean stored;
  private Optional<Reason> reason = Optional.empty();

  EventBuilder(boolean tracking, boolean background, String cacheName, Request request) {
    this.tracking = tracking;
    this.background = background;
    this.cacheName = cacheName;
    this.request = request;
  }

  boolean background() {
    return background;
  }

  /** A new look-up of this builder's exchange (a collapsed request looking up again). */
  void restart(Request r) {
    this.request = r;
    this.states = null;
  }

  /** The path starts beyond the plain hit: from {@code IdleClient}. */
  EventBuilder start(String first) {
    if (tracking && states == null) {
      states = new ArrayList<>(6);
      states.add(first);
    }
    return this;
  }

  EventBuilder visit(CacheState state) {
    if (tracking) {
      List<String> path = states;
      if (path == null) {
        path = new ArrayList<>(6);
        path.add("IdleClient");
        states = path;
      }
      path.add(state.getClass().getSimpleName());
    }
    return this;
  }

  /** Visits the final {@code FromCache}, unless the path already ends with it. */
  void visitLast(CacheState state) {
    if (tracking && states != null && !states.get(states.size() - 1).equals(name(state))) {
      states.add(name(state));
    }
  }

  private static String name(CacheState state) {
    return state.getClass().getSimpleName();
  }

  EventBuilder outcome(Outcome o) {
    this.outcome = requireNonNull(o, "outcome");
    return this;
  }

  Outcome outcome() {
    return outcome;
  }

  EventBuilder response(int code, CacheStatus cacheStatus) {
    this.statusCode = code;
    this.status = cacheStatus;
    return this;
  }

  EventBuilder stored(boolean s) {
    this.stored = s;
    return this;
  }

  EventBuilder reason(Optional<Reason> r) {
    this.reason = requireNonNull(r, "reason");
    return this;
  }

  CacheEvent build() {
    return new CacheEvent(
        outcome,
        request.method(),
        request.uri(),
        statusCode,
        status == null ? "" : status.toFieldValue(cacheName),
        stored,
        reason,
        states == null ? HIT_PATH : states,
        background);
  }
}
