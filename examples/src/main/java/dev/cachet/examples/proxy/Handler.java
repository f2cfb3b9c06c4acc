package dev.cachet.examples.proxy;

import java.io.IOException;

/** What the listener does with each request it has parsed: produce one response. */
@FunctionalInterface
interface Handler {
  /**
   * Answers one request. The handler may read the body; the listener writes the response it
   * returns, framing it for the client, and closes its body.
   *
   * @throws BadMessage to answer with that status and close the connection
   * @throws IOException if the client connection failed
   */
  ProxyResponse handle(RequestHead head, RequestBody body) throws IOException;
}
