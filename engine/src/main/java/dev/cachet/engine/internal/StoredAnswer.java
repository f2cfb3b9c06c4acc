package dev.cachet.engine.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.FromCache;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Answers a request from storage ({@link FromCache}): opens the stored body (reading its first
 * chunk, or all of it for a sink that wants it whole, so that a body that proves unreadable is
 * found before the caller is answered), reports the outcome, and hands the response to the sink.
 */
final class StoredAnswer {
  private final Parts parts;
  private final Request request;
  private final ResponseSink sink;
  private final EventBuilder event;

  StoredAnswer(Parts parts, Request request, ResponseSink sink, EventBuilder event) {
    this.parts = parts;
    this.request = request;
    this.sink = sink;
    this.event = event;
  }

  /**
   * Serves a stored response, or reports nothing and returns false when its body is gone or
   * unreadable (the caller then asks the origin).
   *
   * @param collapsed whether the request waited for another's response (B-03)
   * @param withdraw stored pairs a freshening withdrew (SEC-01): removed once their body is read
   * @throws RuntimeException what the sink threw
   */
  boolean serve(FromCache fc, Outcome outcome, boolean collapsed, List<StoredPair> withdraw) {
    URI uri = request.uri();
    CacheStatus status = collapsed ? fc.status().withCollapsed() : fc.status();
    OpenedBody body = OpenedBody.empty();
    if (fc.replayBody()) {
      Optional<OpenedBody> opened = open(fc.pair().orElseThrow(), withdraw);
      if (opened.isEmpty()) {
        return false;
      }
      body = opened.get();
    } else {
      parts.storage().remove(withdraw, uri);
    }
    Response r = fc.response();
    report(fc, outcome, status);
    ResponseHead head =
        new ResponseHead(r.status(), r.headers(), status, parts.cacheName(), fc.pair());
    try {
      sink.fromStore(head, body);
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
   * @param received the status code the origin answered with
   * @param withdraw stored pairs a freshening withdrew (SEC-01), removed now
   */
  void settleBehind(FromCache fc, Outcome outcome, int received, List<StoredPair> withdraw) {
    parts.storage().remove(withdraw, request.uri());
    event.visitLast(fc);
    event.outcome(outcome).response(received, fc.status()).stored(false).reason(fc.reason());
    parts.reporter().count(outcome, true);
    parts.reporter().countOverride(fc.reason(), true);
    parts.reporter().tell(event);
  }

  private Optional<OpenedBody> open(StoredPair pair, List<StoredPair> withdraw) {
    URI uri = request.uri();
    Optional<StoredBody> opened = parts.storage().openBody(pair, uri);
    if (opened.isEmpty()) {
      parts.storage().remove(withdraw, uri);
      return Optional.empty();
    }
    StoredBody b = opened.get();
    if (!withdraw.isEmpty()) {
      // SEC-01: this client's answer reads the withdrawn pair's body; the pair goes when the body
      // is closed, so a store that streams bodies (Redis) is not cut off mid-way.
      b = RemovedOnClose.of(b, () -> parts.storage().remove(withdraw, uri));
    }
    try {
      return Optional.of(OpenedBody.open(b, sink.wantsWholeBody()));
    } catch (IOException | RuntimeException e) {
      parts.reporter().storageError(uri, e);
      return Optional.empty();
    }
  }

  private void report(FromCache fc, Outcome outcome, CacheStatus status) {
    event.visitLast(fc);
    event.outcome(outcome).response(fc.response().status(), status).stored(false);
    event.reason(fc.reason());
    parts.reporter().count(outcome, event.background());
    parts.reporter().countOverride(fc.reason(), event.background());
    parts.reporter().tell(event);
  }
}
