package dev.cachet.engine;

import dev.cachet.core.Headers;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Takes the origin's response for the engine; see {@link Origin#send}. */
public interface ResponseHandler {

  /**
   * The origin's response head arrived. The engine decides what the response leads to (stored,
   * relayed, replaced by a stored response after a 304, ...) and returns where the body goes.
   *
   * @param status the status code
   * @param fields the response's header fields as received
   * @param httpVersion the protocol version the response arrived in, e.g. {@code HTTP/1.1} or
   *     {@code HTTP/2}, when the origin knows it
   * @return the subscriber for the response body
   */
  default Flow.Subscriber<List<ByteBuffer>> onHead(
      int status, Headers fields, Optional<String> httpVersion) {
    return onHead(status, fields, httpVersion, Optional.empty());
  }

  /**
   * The origin's response head arrived, with the reason phrase of its status line (RFC 9112 §4),
   * which is kept with a stored response so that a shell writing status lines can serve it again.
   * As {@link #onHead(int, Headers, Optional)} otherwise; a phrase that is not one (see {@link
   * dev.cachet.core.StoredPair#isReasonPhrase}) is not kept.
   *
   * @param status the status code
   * @param fields the response's header fields as received
   * @param httpVersion the protocol version the response arrived in, when the origin knows it
   * @param reasonPhrase the status line's reason phrase, when the protocol has one
   * @return the subscriber for the response body
   */
  Flow.Subscriber<List<ByteBuffer>> onHead(
      int status, Headers fields, Optional<String> httpVersion, Optional<String> reasonPhrase);

  /**
   * Asked after {@link #onHead}: whether the subscriber it returned may block on storage I/O when
   * given the body (a body being written to a storage whose writes and commit wait for the disk or
   * the network). A shell whose I/O thread must never block then delivers the body from another
   * thread; otherwise it may deliver it on its I/O thread. False by default.
   *
   * @return true when the body's delivery may block
   */
  default boolean bodyMayBlock() {
    return false;
  }
}
