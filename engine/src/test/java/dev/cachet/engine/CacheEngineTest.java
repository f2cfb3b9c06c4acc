package dev.cachet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.FakeOrigin.Answer;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine on its own: a fake origin in memory, a real memory storage, a fixed clock. Each test
 * drives one kind of exchange through {@link CacheEngine#send} and checks what the sink, the
 * storage, the counters and the listener saw.
 */
class CacheEngineTest {
  private static final URI URI_A = URI.create("http://127.0.0.1/a");
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private final MemoryStorage storage = MemoryStorage.newBuilder().build();
  private final List<CacheEvent> events = new CopyOnWriteArrayList<>();
  private final List<Throwable> storageErrors = new CopyOnWriteArrayList<>();
  private final CacheListener listener =
      new CacheListener() {
        @Override
        public void onOutcome(CacheEvent event) {
          events.add(event);
        }

        @Override
        public void onStorageError(URI uri, Throwable error) {
          storageErrors.add(error);
        }
      };

  private CacheEngine engine = engine(storage, CacheOptions.defaults());

  private CacheEngine engine(Storage s, CacheOptions options) {
    return CacheEngine.newBuilder(s)
        .options(options)
        .clock(Clock.fixed(T0, ZoneOffset.UTC))
        .listener(listener)
        .build();
  }

  @AfterEach
  void close() {
    engine.close();
    storage.close();
  }

  private CollectingSink get(FakeOrigin origin) {
    return send(Request.get(URI_A), origin);
  }

  private CollectingSink send(Request request, FakeOrigin origin) {
    CollectingSink sink = new CollectingSink();
    engine.send(CacheRequest.of(request), origin, sink).join();
    return sink;
  }

  @Test
  void S3_07_aMissIsStored_andTheNextRequestIsAFreshHit_onTheCallingThread() {
    FakeOrigin origin =
        new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));

    CollectingSink miss = get(origin);
    CollectingSink hit = get(origin);

    assertThat(miss.fromStore).isFalse();
    assertThat(miss.body.join()).isEqualTo("v1");
    assertThat(miss.cacheStatus()).contains("fwd=uri-miss").contains("stored");
    assertThat(hit.fromStore).isTrue();
    assertThat(hit.deliveredOn).isSameAs(Thread.currentThread());
    assertThat(hit.body.join()).isEqualTo("v1");
    assertThat(hit.head.cacheStatus().hit()).isTrue();
    assertThat(hit.head.pair()).isPresent();
    assertThat(origin.requests()).isEqualTo(1);
    assertThat(engine.statistics().hits()).isEqualTo(1);
    assertThat(engine.statistics().misses()).isEqualTo(1);
    assertThat(engine.statistics().stores()).isEqualTo(1);
    assertThat(events).extracting(CacheEvent::outcome).containsExactly(Outcome.MISS, Outcome.HIT);
    assertThat(events.get(0).stored()).isTrue();
    assertThat(events.get(0).states()).containsExactly("IdleClient", "CacheMiss", "StoreAndUse");
    assertThat(events.get(1).states()).containsExactly("IdleClient", "FromCache");
  }

  @Test
  void V_02_a304FreshensTheStoredResponse_andTheCallerGetsTheStoredBody() {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=0", "ETag", "\"1\""))
            .answer(Answer.of(304, "", "Cache-Control", "max-age=60", "ETag", "\"1\""));

    get(origin);
    CollectingSink revalidated = get(origin);
    CollectingSink hit = get(origin);

    assertThat(origin.sent.get(1).request().headers().firstValue("If-None-Match"))
        .contains("\"1\"");
    assertThat(revalidated.fromStore).isTrue();
    assertThat(revalidated.body.join()).isEqualTo("v1");
    assertThat(hit.fromStore).isTrue();
    assertThat(origin.requests()).isEqualTo(2);
    assertThat(events.get(1).outcome()).isEqualTo(Outcome.NOT_MODIFIED);
    assertThat(events.get(1).states())
        .containsExactly("IdleClient", "NeedRevalidation", "NeedToBeUpdated", "FromCache");
    assertThat(engine.statistics().notModified()).isEqualTo(1);
  }

  @Test
  void V_03_aNewFullResponseReplacesTheStoredOne() {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=0", "ETag", "\"1\""))
            .answer(Answer.of(200, "v2", "Cache-Control", "max-age=60", "ETag", "\"2\""));

    get(origin);
    CollectingSink modified = get(origin);

    assertThat(modified.fromStore).isFalse();
    assertThat(modified.body.join()).isEqualTo("v2");
    assertThat(get(origin).body.join()).isEqualTo("v2");
    assertThat(events.get(1).outcome()).isEqualTo(Outcome.MODIFIED);
  }

  @Test
  void I_01_anUnsafeMethodIsWrittenThrough_andInvalidatesTheStoredResponse() throws IOException {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"))
            .answer(Answer.of(204, ""))
            .answer(Answer.of(200, "v2", "Cache-Control", "max-age=60"));

    get(origin);
    send(Request.of("POST", URI_A), origin);

    assertThat(storage.find(CacheKey.of(URI_A))).isEmpty();
    assertThat(get(origin).body.join()).isEqualTo("v2");
    assertThat(events.get(1).outcome()).isEqualTo(Outcome.WRITE_THROUGH);
  }

  @Test
  void X_02_anUnreachableOrigin_servesStaleWhereAllowed_elseFailsTheRequest() {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=0, stale-if-error=60"))
            .answer(Answer.unreachableOrigin());

    get(origin);
    CollectingSink stale = get(origin);

    assertThat(stale.fromStore).isTrue();
    assertThat(stale.body.join()).isEqualTo("v1");
    assertThat(events.get(1).outcome()).isEqualTo(Outcome.STALE_IF_ERROR);

    CollectingSink failing = new CollectingSink();
    CompletableFuture<Void> failed =
        engine.send(
            CacheRequest.of(Request.get(URI.create("http://127.0.0.1/none"))),
            new FakeOrigin(),
            failing);
    assertThatThrownBy(failed::join).hasCauseInstanceOf(ConnectException.class);
    // Told to the sink, for a shell that answers the failure itself (a proxy's 502, RFC 9211).
    assertThat(failing.failedCacheStatus).isEqualTo(events.get(2).cacheStatus());
    assertThat(failing.failedCacheStatus).startsWith("Cachet; fwd=uri-miss");
    assertThat(stale.failedCacheStatus).isNull();
    assertThat(engine.statistics().originErrors()).isEqualTo(1);
    assertThat(events.get(2).outcome()).isEqualTo(Outcome.ORIGIN_ERROR);
  }

  @Test
  void RFC5861_staleWhileRevalidate_servesNow_andRevalidatesBehind() throws Exception {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=0, stale-while-revalidate=60"))
            .answer(Answer.of(200, "v2", "Cache-Control", "max-age=60"));

    get(origin);
    CollectingSink stale = get(origin);

    assertThat(stale.fromStore).isTrue();
    assertThat(stale.body.join()).isEqualTo("v1");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(origin.sent.get(1).background()).isTrue();
    assertThat(events.get(2).background()).isTrue();
    assertThat(get(origin).body.join()).isEqualTo("v2");
    assertThat(engine.statistics().backgroundRevalidations()).isEqualTo(1);
  }

  @Test
  void RFC5861_aBackgroundRevalidationAnswered304_reportsTheStatusReceived() throws Exception {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(
                Answer.of(
                    200,
                    "v1",
                    "Cache-Control",
                    "max-age=0, stale-while-revalidate=60",
                    "ETag",
                    "\"1\""))
            .answer(Answer.of(304, "", "Cache-Control", "max-age=60", "ETag", "\"1\""));

    get(origin);
    get(origin);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.stream().noneMatch(CacheEvent::background) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }

    CacheEvent behind = events.stream().filter(CacheEvent::background).findFirst().orElseThrow();
    assertThat(behind.outcome()).isEqualTo(Outcome.NOT_MODIFIED);
    assertThat(behind.statusCode()).isEqualTo(304);
    assertThat(get(origin).fromStore).isTrue();
  }

  @Test
  void E_01_aStorageThatFails_neverFailsTheRequest() {
    Storage broken = new Failing(storage);
    engine.close();
    engine = engine(broken, CacheOptions.defaults());
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"))
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));

    CollectingSink first = get(origin);
    CollectingSink second = get(origin);

    assertThat(first.body.join()).isEqualTo("v1");
    assertThat(first.cacheStatus()).contains("E-01");
    assertThat(second.body.join()).isEqualTo("v1");
    assertThat(origin.requests()).isEqualTo(2);
    assertThat(storageErrors).isNotEmpty();
    assertThat(engine.statistics().storageErrors()).isEqualTo(storageErrors.size());
    assertThat(events.get(0).reason()).map(r -> r.id()).contains("E-01");
  }

  @Test
  void B_03_aFollowerWaitsForTheLeader_andIsAnsweredFromItsStoredResponse() {
    CompletableFuture<Void> leaderMayAnswer = new CompletableFuture<>();
    FakeOrigin origin =
        new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));
    Origin slow =
        (request, responses) -> leaderMayAnswer.thenCompose(v -> origin.send(request, responses));

    CollectingSink leader = new CollectingSink();
    CompletableFuture<Void> led = engine.send(CacheRequest.of(Request.get(URI_A)), slow, leader);
    CollectingSink follower = new CollectingSink();
    CompletableFuture<Void> followed =
        engine.send(CacheRequest.of(Request.get(URI_A)), slow, follower);
    leaderMayAnswer.complete(null);
    led.join();
    followed.join();

    assertThat(origin.requests()).isEqualTo(1);
    assertThat(follower.fromStore).isTrue();
    assertThat(follower.body.join()).isEqualTo("v1");
    assertThat(follower.cacheStatus()).contains("collapsed");
    assertThat(engine.statistics().collapsed()).isEqualTo(1);
  }

  @Test
  void SEC_07_aRequestWithABody_isNeverCollapsed() {
    CompletableFuture<Void> never = new CompletableFuture<>();
    Origin hanging = (request, responses) -> never;
    FakeOrigin origin =
        new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));

    engine.send(CacheRequest.of(Request.get(URI_A)), hanging, new CollectingSink());
    CollectingSink withBody = new CollectingSink();
    engine
        .send(new CacheRequest(Request.get(URI_A), true, Optional.empty()), origin, withBody)
        .join();

    assertThat(origin.requests()).isEqualTo(1);
    assertThat(withBody.body.join()).isEqualTo("v1");
  }

  @Test
  void R4_01_aStoredBodyThatIsGone_isFetchedFromTheOriginInstead() throws IOException {
    FakeOrigin origin =
        new FakeOrigin()
            .answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"))
            .answer(Answer.of(200, "v2", "Cache-Control", "max-age=60"));
    get(origin);
    Storage losing = new LosesBodies(storage);
    engine.close();
    engine = engine(losing, CacheOptions.defaults());

    CollectingSink sink = get(origin);

    assertThat(sink.fromStore).isFalse();
    assertThat(sink.body.join()).isEqualTo("v2");
    assertThat(sink.cacheStatus()).contains("R4-01");
  }

  @Test
  void aStorageWhoseCommitWaitsForIo_saysTheBodyMayBlock_andMemoryDoesNot() {
    FakeOrigin origin =
        new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));
    get(origin);
    assertThat(origin.lastBodyMayBlock).isFalse();

    engine.close();
    engine = engine(new Failing(storage, false), CacheOptions.defaults());
    FakeOrigin other = new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));
    send(Request.get(URI.create("http://127.0.0.1/b")), other);
    assertThat(other.lastBodyMayBlock).isTrue();
  }

  @Test
  void theSinkThatThrows_failsTheRequest_andLeavesNothingHalfWritten() throws IOException {
    FakeOrigin origin =
        new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60"));
    ResponseSink throwing =
        new ResponseSink() {
          @Override
          public void fromStore(ResponseHead head, StoredContent body) {
            throw new IllegalStateException("caller's handler");
          }

          @Override
          public java.util.concurrent.Flow.Subscriber<List<java.nio.ByteBuffer>> fromOrigin(
              ResponseHead head) {
            throw new IllegalStateException("caller's handler");
          }
        };

    CompletableFuture<Void> f = engine.send(CacheRequest.of(Request.get(URI_A)), origin, throwing);

    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class);
    assertThat(storage.find(CacheKey.of(URI_A))).isEmpty();
    assertThat(storage.inFlightBytes()).isZero();
  }

  @Test
  void purge_removesEveryVariantOfAUri() throws IOException {
    get(new FakeOrigin().answer(Answer.of(200, "v1", "Cache-Control", "max-age=60")));
    assertThat(storage.find(CacheKey.of(URI_A))).hasSize(1);

    assertThat(engine.purge(URI_A)).isTrue();

    assertThat(storage.find(CacheKey.of(URI_A))).isEmpty();
  }

  @Test
  void theBuilderRefusesNonsense() {
    CacheEngine.Builder b = CacheEngine.newBuilder(storage);
    assertThatThrownBy(() -> b.cacheName("two words")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.backgroundTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.cacheName("edge-1").build().cacheName()).isEqualTo("edge-1");
  }

  @Test
  void everyCoreState_isCarriedOut() throws Exception {
    URI s = URI.create("http://127.0.0.1/s");
    URI r = URI.create("http://127.0.0.1/r");
    FakeOrigin origin =
        new FakeOrigin()
            .answer(
                Answer.of(
                    200,
                    "s1",
                    "Cache-Control",
                    "max-age=0, stale-while-revalidate=60",
                    "ETag",
                    "\"1\""))
            .answer(Answer.of(304, "", "Cache-Control", "max-age=60", "ETag", "\"1\""))
            .answer(Answer.of(200, "n", "Cache-Control", "no-store"))
            .answer(Answer.of(204, ""))
            .answer(Answer.of(200, "r1", "Cache-Control", "max-age=0", "ETag", "\"1\""))
            .answer(Answer.of(200, "r2", "Cache-Control", "max-age=60", "ETag", "\"2\""))
            .answer(
                Answer.of(
                    206,
                    "pa",
                    "Cache-Control",
                    "max-age=60",
                    "ETag",
                    "\"p\"",
                    "Content-Range",
                    "bytes 0-1/4"));

    send(Request.get(s), origin); // CacheMiss, StoreAndUse
    send(Request.get(s), origin); // StaleWhileRevalidate; behind: NeedRevalidation, 304
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events.stream().noneMatch(CacheEvent::background) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    send(Request.get(URI.create("http://127.0.0.1/n")), origin); // CouldNotBeStored
    send(Request.of("POST", s), origin); // InvalidatePairs
    send(Request.get(r), origin);
    send(Request.get(r), origin); // NeedRevalidation, a new 200 replaces the stored one
    send(Request.get(r), origin); // FromCache
    send(
        new Request("GET", URI.create("http://127.0.0.1/p"), Headers.of("Range", "bytes=0-1")),
        origin); // StorePart

    List<String> seen =
        events.stream().flatMap(e -> e.states().stream()).distinct().sorted().toList();
    assertThat(seen).containsExactlyInAnyOrderElementsOf(stateRecords());
  }

  /** The records reached through CacheState's permitted subtypes (each Next union is one). */
  private static List<String> stateRecords() {
    List<String> states = new java.util.ArrayList<>();
    List<Class<?>> pending =
        new java.util.ArrayList<>(
            List.of(dev.cachet.core.CacheState.class.getPermittedSubclasses()));
    while (!pending.isEmpty()) {
      Class<?> c = pending.remove(pending.size() - 1);
      if (c.isInterface()) {
        pending.addAll(List.of(c.getPermittedSubclasses()));
      } else if (!states.contains(c.getSimpleName())) {
        states.add(c.getSimpleName());
      }
    }
    return states;
  }

  /** A storage whose writes fail (or, told so, only whose commits are not cheap). */
  private static final class Failing extends Forwarding {
    private final boolean failWrites;

    Failing(Storage delegate) {
      this(delegate, true);
    }

    Failing(Storage delegate, boolean failWrites) {
      super(delegate);
      this.failWrites = failWrites;
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws IOException {
      if (failWrites) {
        throw new IOException("disk full");
      }
      return super.newWriter(pair);
    }

    @Override
    public boolean commitIsCheap(long length) {
      return false;
    }
  }

  /** A storage that finds pairs but has lost their bodies (evicted between the two calls). */
  private static final class LosesBodies extends Forwarding {
    LosesBodies(Storage delegate) {
      super(delegate);
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) {
      return Optional.empty();
    }
  }

  private abstract static class Forwarding implements Storage {
    private final Storage delegate;

    Forwarding(Storage delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<StoredPair> find(CacheKey key) throws IOException {
      return delegate.find(key);
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws IOException {
      return delegate.newWriter(pair);
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
      return delegate.openBody(pair);
    }

    @Override
    public boolean update(StoredPair pair) throws IOException {
      return delegate.update(pair);
    }

    @Override
    public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
      delegate.remove(key, ids);
    }

    @Override
    public void removeAll(CacheKey key) throws IOException {
      delegate.removeAll(key);
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public long evictionCount() {
      return delegate.evictionCount();
    }

    @Override
    public void clear() throws IOException {
      delegate.clear();
    }

    @Override
    public void close() {}
  }

  static Headers none() {
    return Headers.empty();
  }
}
