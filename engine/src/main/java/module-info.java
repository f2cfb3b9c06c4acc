/**
 * Cachet's cache engine: carries out the core cache states ({@code dev.cachet.core}) against a
 * {@link dev.cachet.storage.Storage} and an {@link dev.cachet.engine.Origin}. It does no network
 * I/O of its own; bodies flow as {@link java.util.concurrent.Flow} streams of byte buffers, so the
 * {@code CachingHttpClient} and the reverse proxy are thin shells over one behaviour.
 */
module dev.cachet.engine {
  requires static org.jspecify;
  requires transitive dev.cachet.core;
  requires transitive dev.cachet.storage;

  exports dev.cachet.engine;
}
