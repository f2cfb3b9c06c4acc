package dev.cachet.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.CacheOptions;
import dev.cachet.core.CacheStatus;
import dev.cachet.core.CouldNotBeStored;
import dev.cachet.core.Headers;
import dev.cachet.core.IdleClient;
import dev.cachet.core.InvalidatePairs;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.Rule;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheEvent.Outcome;
import dev.cachet.engine.CacheListener;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each of the engine's parts on its own. */
class EnginePartsTest {
  private static final URI URI_A = URI.create("http://127.0.0.1/a");
  private static final CacheKey KEY = CacheKey.of(URI_A);
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  static StoredPair pair(Instant at) {
    return new StoredPair(
        UUID.randomUUID(),
        KEY,
        Request.get(URI_A),
        Response.of(200, Headers.of("Cache-Control", "max-age=60")),
        at,
        at);
  }

  @Nested
  class CollapserTest {
    private final Collapser collapser = new Collapser();

    @Test
    void B_03_oneLeaderPerKey_andFollowersAreReleasedWithIt() {
      Optional<Collapser.Lead> lead = collapser.lead(KEY);
      assertThat(lead).isPresent();
      assertThat(collapser.lead(KEY)).isEmpty();

      CompletableFuture<Void> follower = collapser.follow(KEY, Optional.empty());
      assertThat(follower).isNotDone();
      lead.get().release();

      assertThat(follower).isCompleted();
      assertThat(collapser.lead(KEY)).isPresent();
    }

    @Test
    void SEC_07_aFollowerWaitsNoLongerThanItsOwnTimeout() {
      collapser.lead(KEY);

      CompletableFuture<Void> follower = collapser.follow(KEY, Optional.of(Duration.ofMillis(20)));

      assertThat(follower).succeedsWithin(Duration.ofSeconds(5));
    }

    @Test
    void aKeyNobodyLeads_isFollowedAtOnce() {
      assertThat(collapser.follow(KEY, Optional.empty())).isCompleted();
    }
  }

  @Nested
  class StoreSettlementTest {
    private final List<InvalidatePairs> invalidated = new ArrayList<>();
    private final StoreSettlement settlement = new StoreSettlement(invalidated::add);
    private final InvalidatePairs replaced =
        new InvalidatePairs(
            CacheOptions.defaults(),
            List.of(pair(T0)),
            List.of(),
            new CouldNotBeStored(
                CacheOptions.defaults(),
                Response.of(200, Headers.empty()),
                CacheStatus.forwarded(CacheStatus.Forward.URI_MISS),
                Rule.S3_07.reason()));

    @Test
    void V_03_theReplacedPairsGo_onlyOnceTheNewBodySettles_andTheReportWaitsForIt() {
      List<Boolean> told = new ArrayList<>();
      settlement.begin(true, replaced);
      settlement.whenSettled(told::add);
      assertThat(told).isEmpty();
      assertThat(invalidated).isEmpty();

      settlement.settled(true);

      assertThat(told).containsExactly(true);
      assertThat(invalidated).containsExactly(replaced);
    }

    @Test
    void V_03_aBodyGivenUp_keepsTheReplacedPairs() {
      settlement.begin(true, replaced);
      settlement.keepReplaced();

      settlement.settled(false);

      assertThat(invalidated).isEmpty();
    }

    @Test
    void withoutAWriter_theReportIsToldAtOnce_thatNothingWasStored() {
      List<Boolean> told = new ArrayList<>();
      settlement.begin(false, replaced);

      settlement.whenSettled(told::add);

      assertThat(told).containsExactly(false);
    }
  }

  @Nested
  class SafeStorageTest {
    private final List<Throwable> failures = new ArrayList<>();
    private final SafeStorage safe = new SafeStorage(new Broken(), (uri, e) -> failures.add(e));

    @Test
    void E_01_everyFailure_isReported_andAnsweredAsNothingStored() {
      assertThat(safe.find(KEY, URI_A)).isEmpty();
      assertThat(safe.openBody(pair(T0), URI_A)).isEmpty();
      assertThat(safe.newWriter(pair(T0), URI_A)).isEmpty();
      safe.update(List.of(pair(T0)), URI_A);
      safe.remove(List.of(pair(T0)), URI_A);
      assertThat(safe.removeAll(KEY, URI_A)).isFalse();
      assertThat(safe.commitIsCheap(10)).isFalse();
      assertThat(safe.evictionCount()).isZero();

      assertThat(failures).hasSize(6).allMatch(e -> e.getMessage().equals("broken"));
    }

    @Test
    void SEC_01_aWithdrawnPair_isFoundByNoLookUp_untilItIsRemoved() throws IOException {
      try (MemoryStorage storage = MemoryStorage.newBuilder().build()) {
        SafeStorage s = new SafeStorage(storage, (uri, e) -> failures.add(e));
        StoredPair p = pair(T0);
        try (BodyWriter w = storage.newWriter(p)) {
          w.commit();
        }

        s.withdraw(List.of(p));

        assertThat(s.find(KEY, URI_A)).isEmpty();
        assertThat(storage.find(KEY)).hasSize(1); // still there for the body being read
        s.remove(List.of(p), URI_A);
        assertThat(storage.find(KEY)).isEmpty();
        StoredPair next = pair(T0.plusSeconds(1));
        try (BodyWriter w = storage.newWriter(next)) {
          w.commit();
        }
        assertThat(s.find(KEY, URI_A)).containsExactly(next);
      }
    }

    @Test
    void SEC_06_boundVariants_removesTheOldestButNeverTheOneJustWritten() throws IOException {
      try (MemoryStorage storage = MemoryStorage.newBuilder().build()) {
        SafeStorage s = new SafeStorage(storage, (uri, e) -> failures.add(e));
        List<StoredPair> written = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          StoredPair p = pair(T0.plusSeconds(i));
          try (BodyWriter w = storage.newWriter(p)) {
            w.commit();
          }
          written.add(p);
        }
        StoredPair oldestButJustWritten = written.get(0);

        s.boundVariants(oldestButJustWritten, 2, URI_A);

        assertThat(storage.find(KEY))
            .extracting(StoredPair::id)
            .containsExactlyInAnyOrder(oldestButJustWritten.id(), written.get(3).id());
      }
    }
  }

  @Nested
  class ReporterTest {
    private final List<CacheEvent> events = new ArrayList<>();
    private final CacheListener throwing =
        new CacheListener() {
          @Override
          public void onOutcome(CacheEvent event) {
            events.add(event);
            throw new IllegalStateException("a listener's bug");
          }
        };

    @Test
    void aListenerThatThrows_isIgnored_andEventsAreBuiltOnlyForAListener() {
      Reporter reporter = new Reporter(Optional.of(throwing));
      EventBuilder event = new EventBuilder(true, false, "Cachet", Request.get(URI_A));
      event.visit(IdleClient.forClient());
      event
          .outcome(Outcome.MISS)
          .response(200, CacheStatus.forwarded(CacheStatus.Forward.URI_MISS))
          .stored(true);

      reporter.count(Outcome.MISS, false);
      reporter.tell(event);

      assertThat(events)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.states()).containsExactly("IdleClient", "IdleClient");
                assertThat(e.cacheStatus()).isEqualTo("Cachet; fwd=uri-miss");
                assertThat(e.stored()).isTrue();
              });
      assertThat(reporter.statistics(0).misses()).isEqualTo(1);
      assertThat(new Reporter(Optional.empty()).listening()).isFalse();
    }

    @Test
    void backgroundLookUps_areCountedWhenTheyStart_notAsLookUps() {
      Reporter reporter = new Reporter(Optional.empty());

      reporter.backgroundStarted();
      reporter.count(Outcome.NOT_MODIFIED, true);

      assertThat(reporter.statistics(0).requests()).isZero();
      assertThat(reporter.statistics(0).backgroundRevalidations()).isEqualTo(1);
    }
  }

  @Nested
  class WorkersTest {
    @Test
    void afterClose_backgroundWorkIsRefused_butWaitingCallersAreStillResumed() throws Exception {
      Workers workers = new Workers(Optional.empty());
      assertThat(workers.close()).isTrue();
      assertThat(workers.close()).isFalse();

      CompletableFuture<String> resumed = new CompletableFuture<>();
      workers.resume(() -> resumed.complete("answered"));

      assertThat(resumed.get(5, TimeUnit.SECONDS)).isEqualTo("answered");
    }

    @Test
    void aGivenExecutor_isUsed_andNeverShutDown() {
      AtomicInteger ran = new AtomicInteger();
      Workers workers =
          new Workers(
              Optional.of(
                  r -> {
                    ran.incrementAndGet();
                    r.run();
                  }));

      workers.close();
      workers.background().execute(() -> {});

      assertThat(ran).hasValue(1);
    }
  }

  /** The future an exchange answered on the calling thread returns: one, shared, unchangeable. */
  @Nested
  class CompletedTest {
    @Test
    void theSharedFuture_isDone_andCannotBeChanged() {
      CompletableFuture<Void> done = Completed.DONE;
      assertThat(done).isCompletedWithValue(null);
      assertThat(done.complete(null)).isFalse();
      assertThat(done.completeExceptionally(new IOException("late"))).isFalse();
      assertThat(done.cancel(true)).isFalse();
      assertThatThrownBy(() -> done.obtrudeValue(null))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> done.obtrudeException(new IOException("late")))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThat(done).isCompletedWithValue(null);
      assertThat(done.thenApply(v -> "next")).isCompletedWithValue("next");
    }
  }

  /** A storage whose every call fails. */
  private static final class Broken implements Storage {
    private static IOException broken() {
      return new IOException("broken");
    }

    @Override
    public List<StoredPair> find(CacheKey key) throws IOException {
      throw broken();
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws IOException {
      throw broken();
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
      throw broken();
    }

    @Override
    public boolean update(StoredPair pair) throws IOException {
      throw broken();
    }

    @Override
    public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
      throw broken();
    }

    @Override
    public void removeAll(CacheKey key) throws IOException {
      throw broken();
    }

    @Override
    public long size() throws IOException {
      throw broken();
    }

    @Override
    public long evictionCount() {
      throw new IllegalStateException("broken");
    }

    @Override
    public boolean commitIsCheap(long length) {
      throw new IllegalStateException("broken");
    }

    @Override
    public void clear() throws IOException {
      throw broken();
    }

    @Override
    public void close() {}
  }
}
