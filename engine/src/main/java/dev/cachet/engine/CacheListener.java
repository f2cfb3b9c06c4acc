package dev.cachet.engine;

import java.net.URI;

/**
 * Told what a cache engine (and the {@code CachingHttpClient} or proxy over it) does, for metrics
 * and logging. Methods are called on the thread that completes the step (the caller's, or an
 * executor's) and must return quickly; an exception thrown by a listener is logged and otherwise
 * ignored.
 *
 * <pre>{@code
 * CacheListener log = new CacheListener() {
 *   public void onOutcome(CacheEvent e) {
 *     System.out.println(e.uri() + " " + e.cacheStatus());
 *   }
 * };
 * }</pre>
 */
public interface CacheListener {

  /**
   * One look-up's outcome: a hit, a miss, a revalidation, ... For a response the cache sets out to
   * store, told once its body has been committed to storage or abandoned (so {@link
   * CacheEvent#stored()} is what happened), which for a body the caller streams is when the caller
   * has read it to the end or closed it.
   */
  default void onOutcome(CacheEvent event) {}

  /**
   * A storage call failed. The request it belonged to went on without the cache: it was answered by
   * the origin, or its response was not stored.
   *
   * @param uri the request's target URI
   * @param error what the storage threw
   */
  default void onStorageError(URI uri, Throwable error) {}

  /**
   * A background revalidation ({@code stale-while-revalidate}, RFC 5861 §3) failed; the stale
   * response stays stored until it is revalidated or replaced.
   *
   * @param uri the target URI revalidated
   * @param error why it failed
   */
  default void onBackgroundRevalidationFailure(URI uri, Throwable error) {}
}
