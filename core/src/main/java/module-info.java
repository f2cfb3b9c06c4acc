/**
 * Cachet core: the sans-I/O RFC 9111 HTTP caching state machine and {@link
 * dev.cachet.core.CachePolicy}. Requires only {@code java.base}.
 */
module dev.cachet.core {
  exports dev.cachet.core;
}
