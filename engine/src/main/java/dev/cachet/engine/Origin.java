package dev.cachet.engine;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;

/**
 * Where the engine sends what the cache cannot answer: a shell's connection to the origin server
 * (the wrapped {@code HttpClient}, the proxy's pooled client). The engine decides what to send; the
 * origin only sends it.
 *
 * <pre>{@code
 * Origin origin = (request, responses) -> myClient.send(request, head -> {
 *   Flow.Subscriber<List<ByteBuffer>> body = responses.onHead(head.status(), head.fields(), head.version());
 *   return body; // the origin's body goes here, with backpressure
 * });
 * }</pre>
 */
@FunctionalInterface
public interface Origin {

  /**
   * Sends a request to the origin. When the response's head arrives the origin calls {@link
   * ResponseHandler#onHead} exactly once, on any thread, and then delivers the response's body,
   * with backpressure, to the subscriber that call returned (an empty body completes it at once).
   *
   * <p>The returned future completes once the body has ended at the subscriber ({@code onComplete}
   * or {@code onError} delivered), or, for a caller who reads the body in its own time (a stream),
   * once that caller's result is ready; never before {@code onHead} returned. The engine goes on
   * from there: after a 304 it serves the stored response only then, so completing at the head
   * would let it serve before the freshening settled. It completes exceptionally when no response
   * arrives: with an {@link java.io.IOException} when the origin cannot be reached, refuses or
   * resets the connection, or times out, in which case {@code onHead} was never called and the
   * engine may serve a stale response instead (RFC 5861 §4); any other exception is the caller's.
   * {@code onHead} may itself throw (what the caller's sink threw): the origin then fails the
   * exchange with it. Cancelling the returned future cancels nothing.
   *
   * <p>The engine may call {@code send} again on the same origin after the caller's own exchange is
   * over, for a revalidation behind a stale response ({@link OriginRequest#background()}): an
   * origin must not hold per-request resources that it releases when the caller is answered.
   *
   * @param request what to send, and why
   * @param responses takes the response
   * @return completes when the exchange with the origin is over
   */
  CompletableFuture<?> send(OriginRequest request, ResponseHandler responses);

  /**
   * The exception a request to this origin fails with when the engine gives up on it for taking too
   * long (a background revalidation past its time): the shell's own kind, so that listeners see
   * what a timeout of its client looks like. A {@link java.net.SocketTimeoutException} by default.
   *
   * @param message what timed out
   * @return the exception
   */
  default IOException timedOut(String message) {
    return new SocketTimeoutException(message);
  }
}
