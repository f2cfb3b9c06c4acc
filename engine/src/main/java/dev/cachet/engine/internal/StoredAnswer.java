package dev.cachet.engine.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.ContentRange;
import dev.cachet.core.FromCache;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.ResponseHead;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Answers a request from storage ({@link FromCache}): opens the stored body (reading its first
 * chunk, or all of it for a sink that wants it whole, so that a body that proves unreadable is
 * found before the caller is answered), reports the outcome, and hands the response to the sink.
 */
final class StoredAnswer {
  private final SafeStorage storage;
  private final Reporter reporter;
  private final String cacheName;

  StoredAnswer(SafeStorage storage, Reporter reporter, String cacheName) {
    this.storage = storage;
    this.reporter = reporter;
    this.cacheName = cacheName;
  }

  /**
   * Serves a stored response, or reports nothing and returns false when its body is gone or
   * unreadable (the caller then asks the origin).
   *
   * @param to the exchange answered: its request, its sink, whether it waited for another's
   *     response (B-03)
   * @param withdraw stored pairs a freshening withdrew (SEC-01): removed once their body is read
   * @throws RuntimeException what the sink threw
   */
  boolean serve(StateLoop to, FromCache fc, Outcome outcome, List<StoredPair> withdraw) {
    URI uri = to.request().uri();
    CacheStatus status = to.collapsed() ? fc.status().withCollapsed() : fc.status();
    OpenedBody body = OpenedBody.empty();
    if (fc.replayBody()) {
      OpenedBody opened = open(to, fc, withdraw);
      if (opened == null) {
        return false;
      }
      body = opened;
    } else {
      storage.remove(withdraw, uri);
    }
    Response r = fc.response();
    report(to, fc, outcome, status);
    ResponseHead head = new ResponseHead(r.status(), r.headers(), status, cacheName, fc.pair());
    try {
      to.sink().fromStore(head, body);
    } catch (RuntimeException | Error e) {
      body.close();
      throw e;
    }
    return true;
  }

  /**
   * A background revalidation's answer (a 304 that freshened the stored pairs, a stale one kept
   * after an error): nobody waits for a body, so only the outcome is told, with the status the
   * origin sent.
   *
   * @param to the background exchange
   * @param received the status code the origin answered with
   * @param withdraw stored pairs a freshening withdrew (SEC-01), removed now
   */
  void settleBehind(StateLoop to, FromCache fc, int received, List<StoredPair> withdraw) {
    storage.remove(withdraw, to.request().uri());
    EventBuilder event = to.event();
    Outcome outcome = event.outcome();
    event.visitLast(fc);
    event.response(received, fc.status()).stored(false).reason(fc.reason());
    reporter.count(outcome, true);
    reporter.countOverride(fc.reason(), true);
    reporter.tell(event);
  }

  /** The pair's body, opened; null when it is gone or unreadable. */
  private @Nullable OpenedBody open(StateLoop to, FromCache fc, List<StoredPair> withdraw) {
    StoredPair pair = fc.pair().orElseThrow();
    Optional<ContentRange> slice = fc.slice();
    URI uri = to.request().uri();
    // P-01: a 206 sends only its slice of the stored body, read from where it starts.
    Optional<StoredBody> opened =
        slice.isPresent() ? storage.openBody(pair, slice.get(), uri) : storage.openBody(pair, uri);
    if (opened.isEmpty()) {
      storage.remove(withdraw, uri);
      return null;
    }
    StoredBody b = opened.get();
    if (!withdraw.isEmpty()) {
      // SEC-01: this client's answer reads the withdrawn pair's body; the pair goes when the body
      // is closed, so a store that streams bodies (Redis) is not cut off mid-way, and no other
      // look-up finds it meanwhile.
      storage.withdraw(withdraw);
      b = RemovedOnClose.of(b, () -> storage.remove(withdraw, uri));
    }
    try {
      return OpenedBody.open(b, to.sink().wantsWholeBody());
    } catch (IOException | RuntimeException e) {
      reporter.storageError(uri, e);
      return null;
    }
  }

  /** Counts the outcome, and builds and tells its event only when a listener hears it. */
  private void report(StateLoop to, FromCache fc, Outcome outcome, CacheStatus status) {
    reporter.count(outcome, to.background());
    reporter.countOverride(fc.reason(), to.background());
    if (reporter.listening()) {
      EventBuilder event = to.event();
      event.visitLast(fc);
      event.outcome(outcome).response(fc.response().status(), status).stored(false);
      reporter.tell(event.reason(fc.reason()));
    }
  }
}
