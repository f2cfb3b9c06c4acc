package dev.cachet.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * One way for a Java program to GET a URL through a cache (or through none), as a user of that
 * library would write it: build the request, send it, read the whole body into a {@code byte[]},
 * and release the response.
 *
 * <p>A contender is opened over a fixed list of URIs so that it can build its library's request
 * objects once, outside the timed code, as every peer allows; {@link #get(int)} then times the
 * exchange itself.
 */
interface Contender extends Closeable {

  /**
   * GETs {@code uris.get(index)} and returns its whole body.
   *
   * @throws IOException when the exchange fails or the status is not 200
   */
  byte[] get(int index) throws IOException, InterruptedException;

  /** Whether this contender keeps responses at all (false for the uncached client). */
  boolean caches();

  /**
   * Whether {@link #settle()} may wait for work: a store that finishes writing after the call that
   * stored returned (a {@code FileStorage}'s write-behind).
   */
  default boolean defersWork() {
    return false;
  }

  /** Waits until the work deferred by the calls made so far is done; nothing for most. */
  default void settle() throws IOException {}

  /**
   * Opens the contender called {@code name} over {@code uris}.
   *
   * @param dir an empty directory the contender may use for its files, deleted by the caller
   * @throws IllegalArgumentException for a name that is not one of {@link Contenders#ALL}
   */
  static Contender open(String name, List<URI> uris, Path dir) throws IOException {
    return Contenders.open(name, uris, dir);
  }
}
