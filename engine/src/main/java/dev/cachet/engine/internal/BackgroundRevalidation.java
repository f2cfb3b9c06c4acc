package dev.cachet.engine.internal;

import dev.cachet.core.CacheKey;
import dev.cachet.core.NeedRevalidation;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Revalidations run behind a stale response (RFC 5861 §3): at most one per key at a time, on the
 * background executor; a failure goes to the listener. Each is bounded by its request's timeout,
 * else by the engine's background timeout, as a whole (its response body included): one whose
 * origin never answers, or sends a head and stalls, is given up (its write aborted, its stream
 * cancelled, the stored response kept), told to the listener as timed out, and frees the key.
 */
final class BackgroundRevalidation {
  /** Starts the exchange of one revalidation. */
  interface Runner {
    Running run(CacheRequest request, Origin origin, NeedRevalidation revalidation);
  }

  /**
   * A revalidation under way.
   *
   * @param done completes when it is over
   * @param abandon gives it up: nothing it does later is stored, counted or told
   */
  record Running(CompletableFuture<?> done, Consumer<Throwable> abandon) {}

  private final Set<CacheKey> revalidating = ConcurrentHashMap.newKeySet();
  private final Workers workers;
  private final Reporter reporter;
  private final Duration defaultTimeout;

  BackgroundRevalidation(Workers workers, Reporter reporter, Duration defaultTimeout) {
    this.workers = workers;
    this.reporter = reporter;
    this.defaultTimeout = defaultTimeout;
  }

  /** Starts a revalidation of the stored response unless one of its key is under way. */
  void start(CacheRequest caller, Origin origin, NeedRevalidation revalidation, Runner runner) {
    CacheKey key = revalidation.selected().key();
    if (!revalidating.add(key)) {
      return;
    }
    reporter.backgroundStarted();
    URI uri = caller.request().uri();
    Duration limit = caller.timeout().orElse(defaultTimeout);
    try {
      workers
          .background()
          .execute(
              () -> {
                Running running;
                CompletableFuture<?> f;
                try {
                  running = runner.run(caller, origin, revalidation);
                  f = running.done();
                } catch (RuntimeException | Error e) {
                  running = null;
                  f = CompletableFuture.failedFuture(e);
                }
                Running r = running;
                // Ends at the deadline whatever the exchange does, and tells the listener once.
                CompletableFuture<?> unused =
                    f.copy()
                        .orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS)
                        .whenCompleteAsync(
                            (v, e) -> {
                              revalidating.remove(key);
                              if (e == null) {
                                return;
                              }
                              Throwable cause = unwrap(e);
                              if (cause instanceof TimeoutException) {
                                cause =
                                    origin.timedOut(
                                        "background revalidation did not finish within " + limit);
                                if (r != null) {
                                  r.abandon().accept(cause);
                                }
                              }
                              reporter.backgroundFailure(uri, cause);
                            },
                            workers::resume);
              });
    } catch (RejectedExecutionException e) {
      revalidating.remove(key);
      reporter.backgroundFailure(uri, e);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
