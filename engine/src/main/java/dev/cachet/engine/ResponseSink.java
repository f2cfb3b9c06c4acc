package dev.cachet.engine;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Where the engine delivers a caller's response: a shell's own response type at the edge (a JDK
 * {@code HttpResponse}, a proxied HTTP response). For one {@link CacheEngine#send} the engine calls
 * exactly one of the two methods, once, or, when the exchange with the origin fails, neither (then
 * {@link #originFailed} says what the cache did); a shell that follows redirects itself sends the
 * next hop as a new request.
 */
public interface ResponseSink {

  /**
   * {@return true when the caller wants a stored body whole (a byte array) rather than streamed}
   * The engine then reads it before calling {@link #fromStore}, so that a body that proves
   * unreadable is fetched from the origin instead. False by default.
   */
  default boolean wantsWholeBody() {
    return false;
  }

  /**
   * A response answered from storage (fresh, stale where allowed, after a 304), or made by the
   * cache itself (the 504 of {@code only-if-cached}). Called on the thread that looked it up: for a
   * fresh hit, the caller's own. The sink owns {@code body}: it replays it or closes it.
   *
   * @param head the response head
   * @param body the stored body, already open
   */
  void fromStore(ResponseHead head, StoredContent body);

  /**
   * A response relayed from the origin; called inside {@link ResponseHandler#onHead} on the
   * origin's thread. The engine may tee the body into storage on its way to the returned
   * subscriber.
   *
   * @param head the response head
   * @return where the body goes
   */
  Flow.Subscriber<List<ByteBuffer>> fromOrigin(ResponseHead head);

  /**
   * The exchange with the origin failed, and the caller is about to get the exception instead of a
   * response: this cache's {@code Cache-Status} member for the exchange (RFC 9211 §2), e.g. {@code
   * Cachet; fwd=uri-miss}, for a shell that answers such a failure itself (a proxy's 502 or 504).
   * Called before the future {@link CacheEngine#send} returned fails, on the thread that fails it;
   * not called for a background revalidation. Nothing by default.
   *
   * @param cacheStatus this cache's member of the {@code Cache-Status} field
   */
  default void originFailed(String cacheStatus) {}
}
