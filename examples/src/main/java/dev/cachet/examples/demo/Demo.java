package dev.cachet.examples.demo;

import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import dev.cachet.engine.CacheStatistics;
import dev.cachet.examples.Errors;
import dev.cachet.examples.Statistics;
import dev.cachet.examples.Storages;
import dev.cachet.httpclient.CachingHttpClient;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The demo: Cachet's caching story told against an embedded origin, one line per request, each step
 * checked, or a real URL fetched twice through the cache.
 */
public final class Demo {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long STORAGE_BYTES = 16L * 1024 * 1024;

  private final PrintStream out;
  private final Style style;
  private final CachingHttpClient client;
  private final IntSupplier originRequests;
  private int step;
  private int failures;

  private Demo(PrintStream out, Style style, CachingHttpClient client, IntSupplier originRequests) {
    this.out = out;
    this.style = style;
    this.client = client;
    this.originRequests = originRequests;
  }

  /**
   * Runs the story against an embedded origin and returns the exit status: 0 when every step went
   * as told, 1 otherwise.
   */
  public static int story(PrintStream out, Style style) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cachet-demo-");
    // The JDK's HttpServer stamps each response's Date from the system clock. The client's clock
    // starts an hour earlier, so a Date never makes a response look older than it is (RFC 9111
    // §4.2.3 clamps apparent_age at zero), and advancing it is what ages a stored response.
    MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofHours(1)));
    BlockingQueue<CacheEvent> background = new LinkedBlockingQueue<>();
    try (DemoOrigin origin = DemoOrigin.start();
        Storage storage = Storages.temporary(dir, STORAGE_BYTES);
        CachingHttpClient client =
            CachingHttpClient.newBuilder()
                .storage(storage)
                .clock(clock)
                .listener(backgroundListener(background))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
      Demo demo = new Demo(out, style, client, origin::requests);
      out.println(
          style.bold("Cachet demo")
              + ": an origin on "
              + origin.uri()
              + ", a private cache in "
              + dir);
      out.println();
      new Story(demo, origin, clock, background).tell();
      demo.printStatistics();
      if (demo.failures > 0) {
        out.println(style.red(demo.failures + " step(s) did not go as expected"));
        return 1;
      }
      out.println(style.green("Every step went as expected."));
      return 0;
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Fetches a URL twice through the cache and returns the exit status. */
  public static int fetchTwice(URI uri, PrintStream out, Style style)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cachet-demo-");
    try (Storage storage = Storages.temporary(dir, STORAGE_BYTES);
        CachingHttpClient client =
            CachingHttpClient.newBuilder()
                .storage(storage)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build()) {
      IntSupplier originRequests =
          () -> {
            CacheStatistics s = client.statistics();
            return (int) (s.misses() + s.revalidations() + s.backgroundRevalidations());
          };
      Demo demo = new Demo(out, style, client, originRequests);
      out.println(style.bold("Cachet demo") + ": " + uri + " twice, a private cache in " + dir);
      out.println();
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).build();
      try {
        demo.show("The first request goes to the origin", request);
        demo.show("The second is answered from the cache if the response allows it", request);
      } catch (IOException e) {
        throw Errors.because("cannot fetch " + uri, e);
      }
      demo.printStatistics();
      return 0;
    } finally {
      deleteRecursively(dir);
    }
  }

  private static CacheListener backgroundListener(BlockingQueue<CacheEvent> events) {
    return new CacheListener() {
      @Override
      public void onOutcome(CacheEvent event) {
        if (event.background()) {
          events.add(event);
        }
      }
    };
  }

  /** One request's outcome, as the demo prints and checks it. */
  record Outcome(
      int status,
      CacheStatusField cacheStatus,
      String cacheStatusLine,
      int originRequests,
      int originDelta,
      double millis,
      String body) {}

  /**
   * Sends a request, prints its line under a numbered title, and checks it.
   *
   * @param expected what the step must show
   * @param expectation the expectation in words, printed when it fails
   */
  Outcome step(String title, HttpRequest request, Predicate<Outcome> expected, String expectation)
      throws IOException, InterruptedException {
    step++;
    out.println(style.bold(String.format(Locale.ROOT, "%2d. %s", step, title)));
    Outcome o = send(request);
    boolean ok = expected.test(o);
    print(request, o, ok ? style.green("ok") : style.red("!!"));
    if (!ok) {
      failures++;
      out.println(style.red("    expected: " + expectation));
    }
    return o;
  }

  /** Sends a request and prints its line under a numbered title, without checking it. */
  void show(String title, HttpRequest request) throws IOException, InterruptedException {
    step++;
    out.println(style.bold(String.format(Locale.ROOT, "%2d. %s", step, title)));
    print(request, send(request), "--");
  }

  Outcome send(HttpRequest request) throws IOException, InterruptedException {
    int before = originRequests.getAsInt();
    long start = System.nanoTime();
    HttpResponse<String> r = client.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
    double millis = (System.nanoTime() - start) / 1e6;
    int after = originRequests.getAsInt();
    return new Outcome(
        r.statusCode(),
        CacheStatusField.of(r.headers()),
        String.join(", ", r.headers().allValues("Cache-Status")),
        after,
        after - before,
        millis,
        r.body());
  }

  /** Waits for the next background revalidation to finish; false if none did in time. */
  boolean awaitBackgroundRevalidation(BlockingQueue<CacheEvent> events)
      throws InterruptedException {
    return events.poll(10, TimeUnit.SECONDS) != null;
  }

  /** Notes a failed expectation that is not about one request. */
  void fail(String expectation) {
    failures++;
    out.println(style.red("    expected: " + expectation));
  }

  void note(String text) {
    out.println(style.dim("    " + text));
  }

  int originRequests() {
    return originRequests.getAsInt();
  }

  private void print(HttpRequest request, Outcome o, String mark) {
    StringBuilder target = new StringBuilder(request.method()).append(' ');
    target.append(pathOf(request.uri()));
    for (String name : new String[] {"Accept-Language", "Cache-Control"}) {
      request
          .headers()
          .firstValue(name)
          .ifPresent(v -> target.append(" [").append(name).append(": ").append(v).append(']'));
    }
    String cacheStatus = o.cacheStatusLine().isEmpty() ? "(no Cache-Status)" : o.cacheStatusLine();
    String body = o.body().replaceAll("[\\s\\p{Cntrl}]+", " ");
    if (body.length() > 30) {
      body = body.substring(0, 27) + "...";
    }
    out.println(
        "    "
            + mark
            + " "
            + target
            + "  "
            + style.bold(String.valueOf(o.status()))
            + "  "
            + (o.cacheStatus().hit() ? style.green(cacheStatus) : style.yellow(cacheStatus))
            + "  "
            + style.cyan(
                String.format(Locale.ROOT, "origin: %d (+%d)", o.originRequests(), o.originDelta()))
            + "  "
            + String.format(Locale.ROOT, "%.1f ms", o.millis())
            + "  "
            + style.dim("\"" + body + "\""));
  }

  private static String pathOf(URI uri) {
    if (uri.getHost() != null && !uri.getHost().equals("127.0.0.1")) {
      return uri.toString();
    }
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private void printStatistics() {
    out.println();
    out.println(style.bold("Statistics") + ": " + Statistics.describe(client.statistics()));
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(Demo::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is not worth failing the demo for.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // as above
    }
  }
}
