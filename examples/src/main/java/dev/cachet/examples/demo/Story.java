package dev.cachet.examples.demo;

import dev.cachet.engine.CacheEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;

/** The steps of the demo, in order, each with what it must show. */
final class Story {
  private final Demo demo;
  private final DemoOrigin origin;
  private final MutableClock clock;
  private final BlockingQueue<CacheEvent> background;

  Story(Demo demo, DemoOrigin origin, MutableClock clock, BlockingQueue<CacheEvent> background) {
    this.demo = demo;
    this.origin = origin;
    this.clock = clock;
    this.background = background;
  }

  void tell() throws IOException, InterruptedException {
    storeHitRevalidateReplace();
    vary();
    uncacheable();
    invalidation();
    staleWhileRevalidate();
    onlyIfCached();
  }

  /** RFC 9111 §3, §4.2, §4.3.3–§4.3.4. */
  private void storeHitRevalidateReplace() throws IOException, InterruptedException {
    HttpRequest article = get("/article").build();
    demo.step(
        "A miss: the origin answers and the response is stored",
        article,
        o -> o.status() == 200 && o.originDelta() == 1 && o.cacheStatus().stored(),
        "200 from the origin (one request), stored");
    demo.step(
        "A fresh hit: the cache answers, the origin is not asked",
        article,
        o -> o.status() == 200 && o.originDelta() == 0 && o.cacheStatus().hit(),
        "200 from the cache, no origin request");

    clock.advance(Duration.ofMinutes(2));
    demo.note("two minutes later the stored article (max-age=60) is stale");
    int notModified = origin.notModified();
    demo.step(
        "A stale response revalidated: the origin answers 304, the stored body is served",
        article,
        o ->
            o.status() == 200
                && o.originDelta() == 1
                && origin.notModified() == notModified + 1
                && o.body().equals("Article, version 1"),
        "one conditional request answered 304, version 1 served from the cache");

    origin.editArticle();
    clock.advance(Duration.ofMinutes(2));
    demo.note("the article is edited at the origin, and two more minutes pass");
    demo.step(
        "A changed response: revalidation brings version 2, which replaces version 1",
        article,
        o ->
            o.status() == 200
                && o.originDelta() == 1
                && o.body().equals("Article, version 2")
                && o.cacheStatus().stored(),
        "one request, a new 200 with version 2, stored");
    demo.step(
        "The cache now serves version 2",
        article,
        o -> o.originDelta() == 0 && o.cacheStatus().hit() && o.body().equals("Article, version 2"),
        "a hit with version 2");
  }

  /** RFC 9111 §4.1. */
  private void vary() throws IOException, InterruptedException {
    demo.step(
        "Vary: Accept-Language: the English greeting is stored",
        get("/greeting").header("Accept-Language", "en").build(),
        o -> o.originDelta() == 1 && o.cacheStatus().stored() && o.body().equals("Hello"),
        "one origin request, Hello stored");
    demo.step(
        "Vary: a French request does not match it: a second variant is stored",
        get("/greeting").header("Accept-Language", "fr").build(),
        o -> o.originDelta() == 1 && o.cacheStatus().stored() && o.body().equals("Bonjour"),
        "one origin request, Bonjour stored beside Hello");
    demo.step(
        "Vary: English again: a hit on the English variant",
        get("/greeting").header("Accept-Language", "en").build(),
        o -> o.originDelta() == 0 && o.cacheStatus().hit() && o.body().equals("Hello"),
        "a hit with Hello");
  }

  /** RFC 9111 §3, §5.2.2.5. */
  private void uncacheable() throws IOException, InterruptedException {
    HttpRequest noStore = get("/no-store").build();
    demo.step(
        "An uncacheable response (no-store) is not stored",
        noStore,
        o -> o.originDelta() == 1 && !o.cacheStatus().stored(),
        "one origin request, nothing stored");
    demo.step(
        "... so the next request goes to the origin again",
        noStore,
        o -> o.originDelta() == 1 && !o.cacheStatus().hit(),
        "one more origin request");
  }

  /** RFC 9111 §4.4. */
  private void invalidation() throws IOException, InterruptedException {
    HttpRequest basket = get("/basket").build();
    demo.step(
        "The basket is stored",
        basket,
        o ->
            o.originDelta() == 1
                && o.cacheStatus().stored()
                && o.body().equals("Basket: 0 item(s)"),
        "one origin request, stored");
    demo.step(
        "A POST to the basket goes to the origin and invalidates the stored basket",
        get("/basket").POST(BodyPublishers.ofString("item=tea")).build(),
        o -> o.status() == 200 && o.originDelta() == 1,
        "200 from the origin");
    demo.step(
        "The basket is fetched again from the origin, with the new item",
        basket,
        o -> o.originDelta() == 1 && !o.cacheStatus().hit() && o.body().equals("Basket: 1 item(s)"),
        "one origin request, one item");
  }

  /** RFC 5861 §3. */
  private void staleWhileRevalidate() throws IOException, InterruptedException {
    HttpRequest news = get("/news").build();
    demo.step(
        "The news is stored (max-age=10, stale-while-revalidate=60)",
        news,
        o -> o.originDelta() == 1 && o.cacheStatus().stored() && o.body().equals("News, edition 1"),
        "one origin request, edition 1 stored");
    clock.advance(Duration.ofSeconds(30));
    demo.note("30 seconds later the news is stale, but within stale-while-revalidate");
    int before = demo.originRequests();
    background.clear();
    demo.step(
        "stale-while-revalidate: the stale news is served at once, refreshed in the background",
        news,
        o -> o.cacheStatus().hit() && o.body().equals("News, edition 1"),
        "edition 1 served from the cache at once");
    if (demo.awaitBackgroundRevalidation(background) && demo.originRequests() == before + 1) {
      demo.note("the background revalidation asked the origin once and stored edition 2");
    } else {
      demo.fail("one background request to the origin within 10 s");
    }
    demo.step(
        "The refreshed news is served from the cache",
        news,
        o -> o.originDelta() == 0 && o.cacheStatus().hit() && o.body().equals("News, edition 2"),
        "a hit with edition 2");
  }

  /** RFC 9111 §5.2.1.7. */
  private void onlyIfCached() throws IOException, InterruptedException {
    demo.step(
        "only-if-cached, stored: the cache answers",
        get("/article").header("Cache-Control", "only-if-cached").build(),
        o -> o.status() == 200 && o.originDelta() == 0 && o.body().equals("Article, version 2"),
        "200 from the cache, no origin request");
    demo.step(
        "only-if-cached, not stored: 504 Gateway Timeout, the origin is not asked",
        get("/weather").header("Cache-Control", "only-if-cached").build(),
        o -> o.status() == 504 && o.originDelta() == 0,
        "504 without an origin request");
  }

  private HttpRequest.Builder get(String path) {
    URI base = origin.uri();
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
  }
}
