package dev.cachet.core;

/**
 * One state of Cachet's cache state machine, which carries out RFC 9111 §3 (storing) and §4
 * (constructing responses from caches). A machine starts at {@link IdleClient}; each non-terminal
 * state's {@code next(...)} takes exactly what that step needs (a response, the times of the
 * exchange, a new pair id) and returns the narrowest sealed union of the states that may follow.
 * Terminal states carry everything the I/O side needs. The diagram of the states and their
 * transitions is in the {@linkplain dev.cachet.core package documentation}.
 *
 * <p>Terminal states: {@link FromCache}, {@link StaleWhileRevalidate}, {@link StoreAndUse}, {@link
 * CouldNotBeStored}, {@link StorePart}. Core never does I/O and never reads a clock: time and ids
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
        CouldNotBeStored,
        InvalidatePairs,
        IdleClient.Next,
        CacheMiss.Next,
        CacheMiss.WithParts,
        NeedRevalidation.Next {

  /** {@return the options of the machine this state belongs to} */
  CacheOptions options();
}
