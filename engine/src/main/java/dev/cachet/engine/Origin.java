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
   * <p>The returned future completes once the head has been handed over and the body subscriber's
   * own result is ready (as {@code HttpClient.sendAsync} does); it completes exceptionally when no
   * response arrives: an {@link java.io.IOException} when the origin cannot be reached, refuses or
   * resets the connection, or times out, in which case {@code onHead} was never called.
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
