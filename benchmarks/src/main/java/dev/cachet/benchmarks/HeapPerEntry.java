package dev.cachet.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Retained heap per cached 1 KiB entry in each in-memory store, next to the floor, a {@code
 * ConcurrentHashMap<URI, byte[]>} holding the same bodies.
 *
 * <p>For each store: open it (with its request objects built and one warm-up exchange done, so the
 * client's own fixed cost is in the baseline), collect garbage until the used heap settles, fill it
 * with N entries through the client, read them all once more to prove they are stored (and to let
 * stores that write in the background finish), collect again, and divide the growth by N. One
 * unmeasured round first loads classes and static state; the figure is the median of the rounds.
 *
 * <p>Each store is measured in a JVM of its own, started with this JVM's flags. Run it with a fixed
 * heap and the serial collector, whose used-heap figure after a full collection is exact: {@code
 * java -Xms2g -Xmx2g -XX:+UseSerialGC -cp benchmarks.jar dev.cachet.benchmarks.HeapPerEntry
 * [entries] [rounds]}. It prints a Markdown table.
 */
public final class HeapPerEntry {
  private static final int BODY_BYTES = 1024;
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private HeapPerEntry() {}

  /** The memory stores measured, the floor last. */
  static final List<String> STORES =
      List.of(
          Contenders.CACHET_MEMORY,
          Contenders.APACHE_MEMORY,
          Contenders.METHANOL_MEMORY,
          Contenders.FLOOR_MAP);

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (args.length > 2) {
      System.out.println(measureAll(args[2], entries, rounds));
      return;
    }
    // Each store in a JVM of its own, with this JVM's flags, so that nothing another store
    // left behind (threads, pools, lazily freed clients) moves the heap figures.
    Map<String, Double> bytesPerEntry = new LinkedHashMap<>();
    String java = ProcessHandle.current().info().command().orElse("java");
    for (String store : STORES) {
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              HeapPerEntry.class.getName(),
              String.valueOf(entries),
              String.valueOf(rounds),
              store));
      Process child =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(child.getInputStream().readAllBytes()).trim();
      if (child.waitFor() != 0) {
        throw new IllegalStateException("measuring " + store + " failed: " + out);
      }
      bytesPerEntry.put(store, Double.parseDouble(out));
    }
    System.out.print(table(bytesPerEntry, entries, rounds));
  }

  private static double measureAll(String store, int entries, int rounds) throws Exception {
    Path dir = Dirs.create();
    try (Origin origin = Origin.start()) {
      // Loads classes and static state; a fifth of the entries is enough for that.
      measure(origin, store, Math.max(1, entries / 5), 0, dir);
      double[] perRound = new double[rounds];
      for (int r = 1; r <= rounds; r++) {
        perRound[r - 1] = measure(origin, store, entries, r, dir);
        System.err.printf(
            Locale.ROOT, "%s round %d: %.1f bytes/entry%n", store, r, perRound[r - 1]);
      }
      Arrays.sort(perRound);
      return rounds % 2 == 1
          ? perRound[rounds / 2]
          : (perRound[rounds / 2 - 1] + perRound[rounds / 2]) / 2;
    } finally {
      Dirs.delete(dir);
    }
  }

  private static double measure(Origin origin, String store, int entries, int round, Path dir)
      throws Exception {
    List<URI> uris = new ArrayList<>(origin.uris("fresh", BODY_BYTES, "r" + round + "-", entries));
    uris.add(origin.uri("fresh", BODY_BYTES, "warm-" + round));
    Contender client = Contender.open(store, uris, dir);
    try {
      Checks.body(client.get(entries), BODY_BYTES, store);
      long before = settledUsedHeap();
      for (int i = 0; i < entries; i++) {
        Checks.body(client.get(i), BODY_BYTES, store);
      }
      Thread.sleep(200);
      Checks.servedWithoutOrigin(origin, client, entries, 1, BODY_BYTES, store);
      long after = settledUsedHeap();
      Reference.reachabilityFence(client);
      return (after - before) / (double) entries;
    } finally {
      client.close();
      // Closed clients free some of their state only once collected (the JDK client's selector
      // thread ends within ~3 s of its facade being collected): let that happen before the next
      // baseline.
      MEMORY.gc();
      Thread.sleep(3_500);
      settledUsedHeap();
    }
  }

  /** Used heap after full collections, once two readings 100 ms apart agree within 0.1%. */
  private static long settledUsedHeap() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      MEMORY.gc();
      Thread.sleep(100);
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (i >= 2 && Math.abs(used - last) <= used / 1000) {
        return used;
      }
      last = used;
    }
    return last;
  }

  static String table(Map<String, Double> bytesPerEntry, int entries, int rounds) {
    Double floor = bytesPerEntry.get(Contenders.FLOOR_MAP);
    StringBuilder md = new StringBuilder();
    md.append("### Retained heap per cached 1 KiB entry\n\n")
        .append(
            String.format(
                Locale.ROOT,
                "%,d entries of %d body bytes per store, median of %d rounds (serial GC,"
                    + " used heap after full collections).%n%n",
                entries,
                BODY_BYTES,
                rounds))
        .append("| store | bytes per entry | ratio to floor |\n")
        .append("|---|---:|---:|\n");
    bytesPerEntry.forEach(
        (store, b) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %,.0f | %s |%n",
                    store,
                    b,
                    floor == null ? "–" : String.format(Locale.ROOT, "%.2f", b / floor))));
    return md.toString();
  }
}
