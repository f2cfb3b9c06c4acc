package dev.cachet.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks run in setup and teardown, never in timed code, that keep the benchmarks honest: a hit is
 * a hit, a revalidation is answered by 304, a miss is stored.
 */
final class Checks {
  private Checks() {}

  static void body(byte[] body, int expected, String contender) {
    if (body == null || body.length != expected) {
      throw new IllegalStateException(
          contender
              + " returned "
              + (body == null ? "no body" : body.length + " bytes")
              + ", expected "
              + expected);
    }
  }

  /** The origin's response counts at one moment, to check what a run of requests made of it. */
  record OriginCounts(long full, long notModified) {
    static OriginCounts of(Origin origin) {
      return new OriginCounts(origin.fullResponses(), origin.notModifiedResponses());
    }
  }

  /**
   * Fails unless the {@code requests} made since {@code before} were all revalidations answered 304
   * (for a client that caches), or all full GETs (for one that does not).
   */
  static void revalidated(
      Origin origin, OriginCounts before, Contender client, long requests, String contender) {
    long full = origin.fullResponses() - before.full();
    long notModified = origin.notModifiedResponses() - before.notModified();
    boolean expected = client.caches() ? full == 0 && notModified == requests : full == requests;
    if (!expected) {
      throw new IllegalStateException(
          contender
              + " did not revalidate as expected: of "
              + requests
              + " requests the origin answered "
              + full
              + " with 200 and "
              + notModified
              + " with 304");
    }
  }

  /**
   * Fails unless each of the {@code misses} made since the origin had sent {@code responsesBefore}
   * reached the origin, and (for a client that caches) a sample of them is then served without it.
   */
  static void missesStored(
      Origin origin,
      long responsesBefore,
      Contender client,
      int misses,
      int sample,
      int bodyBytes,
      String contender)
      throws Exception {
    long asked = origin.responses() - responsesBefore;
    // More is not wrong: the JDK client resends a GET once when a kept-alive connection it reused
    // turns out closed, and the origin may have answered the first one (seen once in 2,000).
    if (asked < misses || asked > misses + Math.max(1, misses / 100)) {
      throw new IllegalStateException(
          contender + " sent " + asked + " of " + misses + " misses to the origin");
    }
    if (client.caches()) {
      servedWithoutOrigin(origin, client, Math.min(sample, misses), 1, bodyBytes, contender);
    }
  }

  /**
   * Setup only: GETs URLs {@code 0..count-1} once each, on two threads (every contender is
   * thread-safe), checking each body. Filling a cache in a cold JVM is most of a trial's setup
   * time; two threads halve it on 2 cores and change nothing that is timed.
   */
  static void fill(Contender client, int count, int bodyBytes, String contender) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> halves = new ArrayList<>(2);
      for (int t = 0; t < 2; t++) {
        int first = t;
        halves.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += 2) {
                    body(client.get(i), bodyBytes, contender);
                  }
                  return null;
                }));
      }
      for (Future<?> half : halves) {
        try {
          half.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Reads the first {@code count} URLs {@code rounds} times and fails unless the origin answered
   * none of those requests.
   */
  static void servedWithoutOrigin(
      Origin origin, Contender client, int count, int rounds, int bodyBytes, String contender)
      throws Exception {
    long before = origin.responses();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < count; i++) {
        body(client.get(i), bodyBytes, contender);
      }
    }
    long asked = origin.responses() - before;
    if (asked != 0) {
      throw new IllegalStateException(
          contender
              + " is not serving stored responses: the origin answered "
              + asked
              + " of "
              + (long) count * rounds
              + " requests that should have been cache hits");
    }
  }
}
