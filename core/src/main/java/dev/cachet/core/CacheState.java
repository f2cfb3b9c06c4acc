package dev.cachet.core;

/**
 * One state of Cachet's cache state machine, which carries out RFC 9111 §3 (storing) and §4
 * (constructing responses from caches). A machine starts at {@link IdleClient}; each non-terminal
 * state's {@code next(...)} takes exactly what that step needs (a response, the times of the
 * exchange, a new pair id) and returns the narrowest sealed union of the states that may follow.
 * Terminal states carry everything the I/O side needs.
 *
 * <pre>
 * IdleClient ──► FromCache                                  (fresh, or stale and allowed)
 *            ──► StaleWhileRevalidate                       (serve stale, revalidate behind)
 *            ──► NeedRevalidation ──► NeedToBeUpdated ──► FromCache        (304)
 *                                 ──► InvalidatePairs ──► StoreAndUse | CouldNotBeStored
 *                                 ──► CacheMiss | FromCache | StoreAndUse | CouldNotBeStored
 *            ──► CacheMiss ──► StoreAndUse | StorePart | CouldNotBeStored
 *                          ──► InvalidatePairs ──► CouldNotBeStored        (unsafe methods)
 * </pre>
 *
 * Terminal states: {@link FromCache}, {@link StaleWhileRevalidate}, {@link StoreAndUse}, {@link
 * StorePart}, {@link CouldNotBeStored}. Core never does I/O and never reads a clock: time and ids
 * are arguments.
 */
public sealed interface CacheState
    permits IdleClient,
        CacheMiss,
        FromCache,
        StaleWhileRevalidate,
        NeedRevalidation,
        NeedToBeUpdated,
        StoreAndUse,
        StorePart,
        CouldNotBeStored,
        InvalidatePairs {

  /** The options of the machine this state belongs to. */
  CacheOptions options();

  /**
   * The start state for a role, as the seed design's {@code create_idle_state}: {@code "client"}
   * for a private cache, {@code "server"} for a shared one, with default options otherwise.
   *
   * @throws IllegalArgumentException for another role
   */
  static IdleClient createIdle(String role) {
    return switch (role) {
      case "client" -> IdleClient.forClient();
      case "server" -> IdleClient.forServer();
      default -> throw new IllegalArgumentException("role must be client or server: " + role);
    };
  }
}
