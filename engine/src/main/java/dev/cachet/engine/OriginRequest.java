package dev.cachet.engine;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Request;

/**
 * A request the engine asks an {@link Origin} to send.
 *
 * @param request the method, target and exactly the header fields to send (a conditional request
 *     carries the validators the cache added); the origin adds only what a connection needs ({@code
 *     Host}, framing) and, for a foreground request, the caller's own request body
 * @param background true for a revalidation the engine runs behind a stale response (RFC 5861 §3):
 *     no caller waits for it and it carries no request body; an origin should bound it with a
 *     timeout when the caller's request had none
 */
public record OriginRequest(Request request, boolean background) {
  /** Creates an origin request. */
  public OriginRequest {
    requireNonNull(request, "request");
  }
}
