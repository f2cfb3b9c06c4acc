package dev.cachet.benchmarks;

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
