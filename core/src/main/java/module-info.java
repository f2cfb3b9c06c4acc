/**
 * Cachet core: the sans-I/O RFC 9111 HTTP caching state machine and {@link
 * dev.cachet.core.CachePolicy}. Requires only {@code java.base} (and JSpecify's annotations, when
 * compiling).
 */
module dev.cachet.core {
  requires static org.jspecify;

  exports dev.cachet.core;
}
