package dev.cachet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cache's cost next to a plain GET, measured so that a shared machine's drift cancels out:
 * contenders take turns in one JVM, round after round, and each round's time per request is
 * compared with the plain client's in the same round. JMH runs one contender after another, so on a
 * machine whose speed wanders by tens of percent over minutes (a virtual machine with busy
 * neighbours) a JMH ratio of two contenders carries that drift; a ratio within a round does not.
 *
 * <p>Scenarios, with the same origin and checks as the JMH benchmarks:
 *
 * <ul>
 *   <li>{@code revalidate}: 1,000 URLs stored with {@code max-age=0}; each request is a conditional
 *       request answered 304 (for the plain client, a full GET). Each contender is opened once.
 *   <li>{@code miss}: each round opens every contender afresh over new URLs (outside the timing)
 *       and times {@code requests} misses that are stored. A contender that writes behind the
 *       caller (a {@code FileStorage}) gets a second row, timed until its backlog is written: what
 *       sustained misses cost once the write-behind buffer is full.
 * </ul>
 *
 * <p>The order of the contenders rotates from round to round. Warm-up rounds run the same way and
 * are not reported. Short rounds pair better (the machine's speed changes within seconds), so many
 * short rounds are better than a few long ones; the table gives the geometric mean of the per-round
 * ratios with its 95% interval, the median, and the extremes. Usage: {@code java -cp benchmarks.jar
 * dev.cachet.benchmarks.Interleaved scenario contenders requests warmupRounds rounds}, e.g. {@code
 * Interleaved revalidate cachet-memory,httpclient-nocache 5000 8 10}. The last contender is the
 * baseline; it prints a Markdown table.
 */
public final class Interleaved {
  private static final int BODY_BYTES = 1024;
  private static final int URLS = 1000;

  /** The stores of the rounds run so far, deleted once every round has run. */
  private static final List<Path> SCRATCH = new ArrayList<>();

  private Interleaved() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException(
          "usage: Interleaved revalidate|miss contender,...,baseline requests warmupRounds rounds");
    }
    String scenario = args[0];
    List<String> contenders = List.of(args[1].split(","));
    int requests = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    if (!scenario.equals("revalidate") && !scenario.equals("miss")) {
      throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
    Map<String, double[]> micros = new LinkedHashMap<>();
    for (String c : contenders) {
      micros.put(c, new double[rounds]);
    }
    // For a contender that writes behind the caller: the time until that backlog is written too.
    Map<String, double[]> settled = new LinkedHashMap<>();
    long started = System.nanoTime();
    try (Origin origin = Origin.start()) {
      Map<String, Open> open = new LinkedHashMap<>();
      if (scenario.equals("revalidate")) {
        for (String c : contenders) {
          open.put(c, Open.revalidating(origin, c));
        }
      }
      try {
        for (int r = 0; r < warmup + rounds; r++) {
          for (int k = 0; k < contenders.size(); k++) {
            String c = contenders.get((r + k) % contenders.size());
            double[] us =
                scenario.equals("revalidate")
                    ? new double[] {open.get(c).revalidations(origin, requests)}
                    : Open.misses(origin, c, requests, "r" + r + "-");
            if (r >= warmup) {
              micros.get(c)[r - warmup] = us[0];
              if (us.length > 1) {
                settled.computeIfAbsent(c, x -> new double[rounds])[r - warmup] = us[1];
              }
            }
          }
        }
      } finally {
        for (Open o : open.values()) {
          o.close();
        }
      }
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    for (Path dir : SCRATCH) {
      Dirs.delete(dir);
    }
    System.out.print(
        table(scenario, withSettled(micros, settled), requests, warmup, rounds, seconds));
  }

  /** One contender opened over the 1,000 revalidation URLs. */
  private record Open(String name, Contender client, Path dir) {
    static Open revalidating(Origin origin, String name) throws Exception {
      Path dir = Dirs.create();
      Contender client =
          Contender.open(name, origin.uris("revalidate", BODY_BYTES, "u", URLS), dir);
      for (int i = 0; i < URLS; i++) {
        Checks.body(client.get(i), BODY_BYTES, name);
      }
      return new Open(name, client, dir);
    }

    /** Times {@code n} revalidations; fails unless each was a 304 (a 200 for the plain client). */
    double revalidations(Origin origin, int n) throws Exception {
      Checks.OriginCounts before = Checks.OriginCounts.of(origin);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Checks.body(client.get(i % URLS), BODY_BYTES, name);
      }
      long elapsed = System.nanoTime() - t0;
      Checks.revalidated(origin, before, client, n, name);
      return elapsed / 1e3 / n;
    }

    /**
     * Times {@code n} misses into a new, empty cache; fails unless they reached the origin and a
     * sample was stored. Gives µs per request as the caller saw it, and for a contender that writes
     * behind the caller also until that backlog was written ({@link Contender#settle()}).
     */
    static double[] misses(Origin origin, String name, int n, String prefix) throws Exception {
      Path dir = Dirs.create();
      List<URI> uris = origin.uris("miss", BODY_BYTES, prefix, n);
      Contender client = Contender.open(name, uris, dir);
      try {
        long before = origin.responses();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          Checks.body(client.get(i), BODY_BYTES, name);
        }
        long elapsed = System.nanoTime() - t0;
        if (!client.defersWork()) {
          Checks.missesStored(origin, before, client, n, 100, BODY_BYTES, name);
          return new double[] {elapsed / 1e3 / n};
        }
        client.settle();
        long settled = System.nanoTime() - t0;
        Checks.missesStored(origin, before, client, n, 100, BODY_BYTES, name);
        return new double[] {elapsed / 1e3 / n, settled / 1e3 / n};
      } finally {
        client.close();
        // Deleted after the last round: ext4 skips inodes freed within its last few seconds when
        // it allocates new ones, so deleting thousands of files here would make the next round's
        // file creations, whichever contender's, pay for this one's clean-up.
        SCRATCH.add(dir);
      }
    }

    void close() throws IOException {
      try {
        client.close();
      } finally {
        Dirs.delete(dir);
      }
    }
  }

  /**
   * The contenders' times, each followed by its time with the backlog written where it has one
   * (named "..., backlog written"); the baseline stays last.
   */
  private static Map<String, double[]> withSettled(
      Map<String, double[]> micros, Map<String, double[]> settled) {
    Map<String, double[]> all = new LinkedHashMap<>();
    String baseline = null;
    for (Map.Entry<String, double[]> e : micros.entrySet()) {
      baseline = e.getKey();
      all.put(e.getKey(), e.getValue());
      if (settled.containsKey(e.getKey())) {
        all.put(e.getKey() + ", backlog written", settled.get(e.getKey()));
      }
    }
    all.put(baseline, all.remove(baseline));
    return all;
  }

  static String table(
      String scenario,
      Map<String, double[]> micros,
      int requests,
      int warmup,
      int rounds,
      long seconds) {
    List<String> names = new ArrayList<>(micros.keySet());
    String baseline = names.get(names.size() - 1);
    double[] base = micros.get(baseline);
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "### Interleaved %s: %,d requests per contender per round, %d warm-up rounds, %d"
                + " measured (%d s)%n%n",
            scenario,
            requests,
            warmup,
            rounds,
            seconds));
    md.append("| contender | median µs per request | ratio to ")
        .append(baseline)
        .append(" within a round: geometric mean (95% interval) | median | lowest–highest |\n")
        .append("|---|---:|---:|---:|---:|\n");
    for (String name : names) {
      double[] us = micros.get(name);
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratios[r] = us[r] / base[r];
      }
      double[] sorted = ratios.clone();
      Arrays.sort(sorted);
      double[] interval = geometricMeanInterval(ratios);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.3f (%.3f–%.3f) | %.3f | %.3f–%.3f |%n",
              name,
              median(us),
              interval[0],
              interval[1],
              interval[2],
              median(ratios),
              sorted[0],
              sorted[rounds - 1]));
    }
    if (rounds > 12) {
      return md.toString();
    }
    md.append("\nPer round, µs per request:\n\n| round |");
    for (String name : names) {
      md.append(' ').append(name).append(" |");
    }
    md.append("\n|---|").append("---:|".repeat(names.size())).append('\n');
    for (int r = 0; r < rounds; r++) {
      md.append("| ").append(r + 1).append(" |");
      for (String name : names) {
        md.append(String.format(Locale.ROOT, " %.1f |", micros.get(name)[r]));
      }
      md.append('\n');
    }
    return md.toString();
  }

  /**
   * The geometric mean of the ratios and its 95% interval (mean of the logarithms ± 1.96 standard
   * errors; a normal approximation, fair from some 30 rounds on).
   */
  static double[] geometricMeanInterval(double[] ratios) {
    int n = ratios.length;
    double sum = 0;
    for (double r : ratios) {
      sum += Math.log(r);
    }
    double mean = sum / n;
    double squares = 0;
    for (double r : ratios) {
      squares += (Math.log(r) - mean) * (Math.log(r) - mean);
    }
    double se = n > 1 ? Math.sqrt(squares / (n - 1) / n) : 0;
    return new double[] {Math.exp(mean), Math.exp(mean - 1.96 * se), Math.exp(mean + 1.96 * se)};
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
