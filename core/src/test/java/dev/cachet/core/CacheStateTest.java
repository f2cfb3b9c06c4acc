package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.head;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.request;
import static dev.cachet.core.Fixtures.response;
import static dev.cachet.core.Fixtures.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The state machine end to end (RFC 9111 §3, §4): the example flows of the seed design and every
 * transition of {@link CacheState}'s diagram, walked by the tests' {@link Driver}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheStateTest {
  /** Every state any test in this class visited, to prove the driver covers them all. */
  private final Set<Class<? extends CacheState>> visited = new LinkedHashSet<>();

  private Driver driver(CacheOptions options) {
    return new Driver(options) {
      @Override
      Outcome send(Request request) {
        Outcome o = super.send(request);
        visited.addAll(everVisited);
        return o;
      }
    };
  }

  @Nested
  class ExampleFlows {
    @Test
    void freshHit_servesStoredWithoutOrigin() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=60"));
      d.send(get());
      d.advance(seconds(10));
      Driver.Outcome o = d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, FromCache.class);
      assertThat(d.originRequests).hasSize(1);
      assertThat(o.response().headers().firstValue("Age")).contains("10");
    }

    @Test
    void missAndStore_storesThePair() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=60"));
      Driver.Outcome o = d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, CacheMiss.class, StoreAndUse.class);
      assertThat(d.stored(get().key())).hasSize(1);
      assertThat(o.response().status()).isEqualTo(200);
    }

    @Test
    void missNotStorable_returnsResponseWithReason() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "no-store"));
      Driver.Outcome o = d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, CacheMiss.class, CouldNotBeStored.class);
      assertThat(((CouldNotBeStored) o.terminal()).reason().id()).isEqualTo("S3-04");
      assertThat(d.stored(get().key())).isEmpty();
    }

    @Test
    void revalidation304_freshensAndServesStoredBody() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=10", "ETag", "\"v1\""));
      d.send(get());
      d.advance(seconds(20));
      d.origin(response(304, "Date", date(20), "ETag", "\"v1\"", "Cache-Control", "max-age=30"));
      Driver.Outcome o = d.send(get());
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, NeedRevalidation.class, NeedToBeUpdated.class, FromCache.class);
      assertThat(d.originRequests.get(1).headers().firstValue("If-None-Match")).contains("\"v1\"");
      assertThat(o.response().status()).isEqualTo(200);
      assertThat(((FromCache) o.terminal()).replayBody()).isTrue();
      // Freshened: fresh again for 30 seconds from the 304.
      d.advance(seconds(29));
      d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, FromCache.class);
    }

    @Test
    void revalidation200_replacesStoredResponse() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=10", "ETag", "\"v1\""));
      d.send(get());
      d.advance(seconds(20));
      d.origin(ok("Date", date(20), "Cache-Control", "max-age=10", "ETag", "\"v2\""));
      Driver.Outcome o = d.send(get());
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, NeedRevalidation.class, InvalidatePairs.class, StoreAndUse.class);
      assertThat(d.stored(get().key()))
          .singleElement()
          .satisfies(p -> assertThat(p.response().headers().firstValue("ETag")).contains("\"v2\""));
      assertThat(o.response().headers().firstValue("ETag")).contains("\"v2\"");
    }
  }

  /** Each edge of the diagram in {@link CacheState}'s Javadoc. */
  @Nested
  class Transitions {
    @Test
    void idleToCacheMiss_whenNothingStored() {
      Driver d = driver(PRIVATE).origin(ok());
      d.send(get());
      assertThat(d.path.get(1)).isEqualTo(CacheMiss.class);
    }

    @Test
    void idleToFromCache_whenFresh() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=60"));
      d.send(get());
      d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, FromCache.class);
    }

    @Test
    void idleToNeedRevalidation_whenStale() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=1"));
      d.send(get());
      d.advance(seconds(5));
      d.send(get());
      assertThat(d.path.get(1)).isEqualTo(NeedRevalidation.class);
    }

    @Test
    void idleToStaleWhileRevalidate_whenWithinWindow() {
      Driver d =
          driver(PRIVATE).origin(ok("Cache-Control", "max-age=1, stale-while-revalidate=60"));
      d.send(get());
      d.advance(seconds(5));
      d.origin(response(304, "Date", date(5)));
      Driver.Outcome o = d.send(get());
      assertThat(o.terminal()).isInstanceOf(StaleWhileRevalidate.class);
      assertThat(d.path)
          .containsExactly(
              IdleClient.class,
              StaleWhileRevalidate.class,
              NeedRevalidation.class,
              NeedToBeUpdated.class,
              FromCache.class);
      assertThat(d.originRequests).hasSize(2);
    }

    @Test
    void cacheMissToStoreAndUse() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=60"));
      d.send(get());
      assertThat(d.path).endsWith(StoreAndUse.class);
    }

    @Test
    void cacheMissToStorePart_forA206ToARangeRequest() {
      Driver d =
          driver(CacheOptions.newBuilder().partialContent(true).build())
              .origin(
                  Fixtures.response(
                      206,
                      "Cache-Control",
                      "max-age=60",
                      "ETag",
                      "\"v1\"",
                      "Content-Range",
                      "bytes 0-9/100"));
      d.send(get("Range", "bytes=0-9"));
      assertThat(d.path).containsExactly(IdleClient.class, CacheMiss.class, StorePart.class);
      assertThat(d.partials(get().key())).hasSize(1);
    }

    @Test
    void cacheMissToCouldNotBeStored() {
      Driver d = driver(PRIVATE).origin(response(500));
      d.send(get());
      assertThat(d.path).endsWith(CacheMiss.class, CouldNotBeStored.class);
    }

    @Test
    void cacheMissToInvalidatePairs_afterUnsafeMethod() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=60"));
      d.send(get());
      d.origin(response(204));
      d.send(request("POST", URI_A));
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, CacheMiss.class, InvalidatePairs.class, CouldNotBeStored.class);
      assertThat(d.stored(get().key())).isEmpty();
    }

    @Test
    void needRevalidationToNeedToBeUpdatedToFromCache_on304() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "no-cache", "ETag", "\"a\""));
      d.send(get());
      d.origin(response(304, "ETag", "\"a\""));
      d.send(get());
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, NeedRevalidation.class, NeedToBeUpdated.class, FromCache.class);
    }

    @Test
    void needRevalidationToInvalidatePairsToCouldNotBeStored_onUnstorableFullResponse() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "no-cache", "ETag", "\"a\""));
      d.send(get());
      d.origin(ok("Cache-Control", "no-store"));
      d.send(get());
      assertThat(d.path)
          .containsExactly(
              IdleClient.class,
              NeedRevalidation.class,
              InvalidatePairs.class,
              CouldNotBeStored.class);
      assertThat(d.stored(get().key())).isEmpty();
    }

    @Test
    void needRevalidationToCacheMiss_when304SelectsNothing() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "no-cache", "ETag", "\"a\""));
      d.send(get());
      d.origin(response(304, "ETag", "\"other\""));
      Driver.Outcome o = d.send(get());
      assertThat(d.path.subList(0, 3))
          .containsExactly(IdleClient.class, NeedRevalidation.class, CacheMiss.class);
      assertThat(o.response().status()).isEqualTo(304);
    }

    @Test
    void needRevalidationToFromCache_onStaleIfError() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=1, stale-if-error=60"));
      d.send(get());
      d.advance(seconds(5));
      d.origin(response(503, "Date", date(5)));
      Driver.Outcome o = d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, NeedRevalidation.class, FromCache.class);
      assertThat(o.response().status()).isEqualTo(200);
    }

    @Test
    void needRevalidationToCouldNotBeStored_onForwardedError() {
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=1"));
      d.send(get());
      d.advance(seconds(5));
      d.origin(response(503, "Date", date(5)));
      Driver.Outcome o = d.send(get());
      assertThat(d.path)
          .containsExactly(IdleClient.class, NeedRevalidation.class, CouldNotBeStored.class);
      assertThat(o.response().status()).isEqualTo(503);
    }

    @Test
    void needRevalidationToCouldNotBeStored_evenForAStorableError_soTheStoredOneStays() {
      // V-04, O-07: an error stored as the newest response would shadow the stored one.
      Driver d = driver(PRIVATE).origin(ok("Cache-Control", "max-age=1"));
      d.send(get());
      d.advance(seconds(5));
      d.origin(response(503, "Date", date(5), "Cache-Control", "max-age=5"));
      d.send(get());
      assertThat(d.path)
          .containsExactly(IdleClient.class, NeedRevalidation.class, CouldNotBeStored.class);
      d.origin(ok("Date", date(5), "Cache-Control", "max-age=60"));
      assertThat(d.send(get()).response().status()).isEqualTo(200);
    }

    @Test
    void headRevalidation_freshensStoredGet() {
      Driver d =
          driver(PRIVATE)
              .origin(ok("Cache-Control", "max-age=1", "ETag", "\"a\"", "Content-Length", "3"));
      d.send(get());
      d.advance(seconds(5));
      d.origin(
          ok(
              "Date",
              date(5),
              "Cache-Control",
              "max-age=60",
              "ETag",
              "\"a\"",
              "Content-Length",
              "3"));
      d.send(head());
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, NeedRevalidation.class, NeedToBeUpdated.class, FromCache.class);
      d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, FromCache.class);
    }
  }

  @Test
  void createIdle_givesPrivateForClientAndSharedForServer() {
    assertThat(CacheState.createIdle("client").options().shared()).isFalse();
    assertThat(CacheState.createIdle("server").options().shared()).isTrue();
    assertThatThrownBy(() -> CacheState.createIdle("proxy"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void driverHandlesEveryPermittedState() {
    Set<Class<?>> permitted = Set.copyOf(Arrays.asList(CacheState.class.getPermittedSubclasses()));
    assertThat(permitted).isEqualTo(Set.copyOf(Driver.HANDLED));
  }

  /** Runs after the flows: every permitted state was reached by some flow through the driver. */
  @AfterAll
  void everyPermittedStateWasVisitedByTheFlows() {
    List<Class<?>> permitted = Arrays.asList(CacheState.class.getPermittedSubclasses());
    assertThat(visited)
        .containsAll(
            permitted.stream()
                .map(c -> (Class<? extends CacheState>) c.asSubclass(CacheState.class))
                .toList());
  }
}
