package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The tests' dispatcher: it stands where the adapter's exchange stands, carrying out what each
 * state decides with an in-memory store and a scripted origin, and records every state it visits.
 * Its {@code instanceof} chain is the one place that must handle every {@link CacheState}.
 */
class Driver {
  /** The states {@link #step} handles; a test proves this equals the permitted subclasses. */
  static final Set<Class<? extends CacheState>> HANDLED =
      Set.of(
          IdleClient.class,
          CacheMiss.class,
          FromCache.class,
          StaleWhileRevalidate.class,
          NeedRevalidation.class,
          NeedToBeUpdated.class,
          StoreAndUse.class,
          CouldNotBeStored.class,
          InvalidatePairs.class);

  final Map<CacheKey, List<StoredPair>> store = new LinkedHashMap<>();
  final List<Request> originRequests = new ArrayList<>();
  final List<Class<? extends CacheState>> path = new ArrayList<>();
  final Set<Class<? extends CacheState>> everVisited = new LinkedHashSet<>();
  private final IdleClient idle;
  private Function<Request, Optional<Response>> origin = r -> Optional.empty();
  Instant now = Fixtures.T0;

  Driver(CacheOptions options) {
    this.idle = IdleClient.of(options);
  }

  /** The origin answers every request with this response. */
  Driver origin(Response response) {
    requireNonNull(response, "response");
    this.origin = r -> Optional.of(response);
    return this;
  }

  /** The origin cannot be reached. */
  Driver unreachable() {
    this.origin = r -> Optional.empty();
    return this;
  }

  Driver advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  List<StoredPair> stored(CacheKey key) {
    return store.getOrDefault(key, List.of());
  }

  /** The terminal state of one request, and the response the user gets. */
  record Outcome(CacheState terminal, Response response) {}

  Outcome send(Request request) {
    path.clear();
    CacheState s = idle;
    visit(s);
    s = idle.next(request, stored(request.key()), now);
    while (true) {
      visit(s);
      Optional<Outcome> done = step(s);
      if (done.isPresent()) {
        return done.get();
      }
      s = next;
    }
  }

  private CacheState next;

  /** Carries out one state; a terminal outcome, or empty with {@link #next} set. */
  private Optional<Outcome> step(CacheState s) {
    if (s instanceof FromCache hit) {
      return Optional.of(new Outcome(hit, hit.response()));
    } else if (s instanceof StaleWhileRevalidate swr) {
      // Serve at once; the "background" revalidation runs right after, in this thread.
      FromCache serve = swr.serve();
      visit(swr.revalidate());
      Optional<Response> r = callOrigin(swr.revalidate().conditionalRequest());
      if (r.isPresent()) {
        CacheState behind = swr.revalidate().next(r.get(), now, now, Fixtures.newId());
        runToEnd(behind);
      }
      return Optional.of(new Outcome(swr, serve.response()));
    } else if (s instanceof CacheMiss miss) {
      Optional<Response> r = callOrigin(miss.request());
      if (r.isEmpty()) {
        Response gw = Response.of(504, Headers.empty());
        return Optional.of(new Outcome(miss, gw));
      }
      next = miss.next(r.get(), now, now, Fixtures.newId());
      return Optional.empty();
    } else if (s instanceof NeedRevalidation rev) {
      Optional<Response> r = callOrigin(rev.conditionalRequest());
      if (r.isEmpty()) {
        Optional<FromCache> stale = rev.onOriginUnreachable(now);
        if (stale.isPresent()) {
          next = stale.get();
          return Optional.empty();
        }
        return Optional.of(new Outcome(rev, Response.of(504, Headers.empty())));
      }
      next = rev.next(r.get(), now, now, Fixtures.newId());
      return Optional.empty();
    } else if (s instanceof NeedToBeUpdated update) {
      for (StoredPair p : update.updated()) {
        List<StoredPair> list = new ArrayList<>(stored(p.key()));
        list.replaceAll(old -> old.id().equals(p.id()) ? p : old);
        store.put(p.key(), list);
      }
      next = update.next();
      return Optional.empty();
    } else if (s instanceof InvalidatePairs inv) {
      for (CacheKey k : inv.keys()) {
        store.remove(k);
      }
      for (StoredPair p : inv.pairs()) {
        List<StoredPair> list = new ArrayList<>(stored(p.key()));
        list.removeIf(old -> old.id().equals(p.id()));
        store.put(p.key(), list);
      }
      next = inv.next();
      return Optional.empty();
    } else if (s instanceof StoreAndUse st) {
      List<StoredPair> list = new ArrayList<>(stored(st.pair().key()));
      list.add(st.pair());
      store.put(st.pair().key(), list);
      return Optional.of(new Outcome(st, st.response()));
    } else if (s instanceof CouldNotBeStored no) {
      return Optional.of(new Outcome(no, no.response()));
    } else if (s instanceof IdleClient) {
      throw new AssertionError("IdleClient is only a start state");
    }
    throw new AssertionError(s);
  }

  private void runToEnd(CacheState s) {
    while (true) {
      visit(s);
      Optional<Outcome> done = step(s);
      if (done.isPresent()) {
        return;
      }
      s = next;
    }
  }

  private Optional<Response> callOrigin(Request r) {
    originRequests.add(r);
    return origin.apply(r);
  }

  private void visit(CacheState s) {
    path.add(s.getClass());
    everVisited.add(s.getClass());
  }
}
