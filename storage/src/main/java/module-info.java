/**
 * Cachet storage: the {@link dev.cachet.storage.Storage} SPI that carries out what the core states
 * decide, with an in-memory and a filesystem implementation.
 */
module dev.cachet.storage {
  requires static org.jspecify;
  requires transitive dev.cachet.core;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires jdk.management; // the limit on open files, for how many entry files to keep open

  exports dev.cachet.storage;
}
