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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The state machine end to end (RFC 9111 §3, §4): the example flows of the seed design and every
 * transition of the state diagram in the package documentation, walked by the tests' {@link
 * Driver}.
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

  /** Each edge of the state diagram in the package documentation ({@code package-info.java}). */
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
    void cacheMissToInvalidatePairsToStoreAndUse_afterAPostThatAnswersLaterGets() {
      CacheOptions posts = CacheOptions.newBuilder().reusePostResponses(true).build();
      Driver d = driver(posts).origin(ok("Cache-Control", "max-age=60", "Content-Location", "/a"));
      d.send(request("POST", URI_A));
      assertThat(d.path)
          .containsExactly(
              IdleClient.class, CacheMiss.class, InvalidatePairs.class, StoreAndUse.class);
      d.send(get());
      assertThat(d.path).containsExactly(IdleClient.class, FromCache.class);
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

  @Nested
  class Unions {
    private static final List<Class<?>> NEXTS =
        List.of(
            IdleClient.Next.class,
            CacheMiss.Next.class,
            NeedRevalidation.Next.class,
            InvalidatePairs.Next.class);

    @Test
    void everyNextIsACacheState() {
      for (Class<?> next : NEXTS) {
        assertThat(CacheState.class.isAssignableFrom(next)).as(next.getName()).isTrue();
      }
    }

    @Test
    void whatFollowsAnOriginResponse_fitsTheUnionsOfAMissAndARevalidation() {
      assertThat(CacheMiss.Next.class.isAssignableFrom(InvalidatePairs.Next.class)).isTrue();
      assertThat(NeedRevalidation.Next.class.isAssignableFrom(InvalidatePairs.Next.class)).isTrue();
      // A caller holds any step's result as a CacheState without a cast.
      CacheMiss.Next afterMiss = Fixtures.miss(PRIVATE, get(), ok("Cache-Control", "max-age=60"));
      CacheState state = afterMiss;
      assertThat(state).isInstanceOf(StoreAndUse.class);
    }

    /** Guards against a union that does not combine, which a cast in core would paper over. */
    @Test
    void noCoreSourceCastsToAState() throws Exception {
      String names =
          concreteStates().stream()
              .map(Class::getSimpleName)
              .collect(Collectors.joining("|", "(?:CacheState|", ")"));
      // "(FromCache) s", "(CacheMiss.Next) n", "(Next) n": a cast, not a call or a condition.
      Pattern cast =
          Pattern.compile("\\(\\s*(?:" + names + "(?:\\.Next)?|Next)\\s*\\)\\s*(?:[\\w(]|$)");
      List<String> casts = new ArrayList<>();
      try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/cachet/core"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          for (String line : Files.readAllLines(f)) {
            String code = line.strip();
            if (!code.startsWith("*") && !code.startsWith("//") && cast.matcher(code).find()) {
              casts.add(f.getFileName() + ": " + code);
            }
          }
        }
      }
      assertThat(casts).isEmpty();
    }
  }

  /** The concrete states: the records reached through CacheState's permitted subtypes. */
  private static Set<Class<?>> concreteStates() {
    Set<Class<?>> states = new LinkedHashSet<>();
    List<Class<?>> pending =
        new ArrayList<>(Arrays.asList(CacheState.class.getPermittedSubclasses()));
    while (!pending.isEmpty()) {
      Class<?> c = pending.remove(pending.size() - 1);
      if (c.isInterface()) {
        pending.addAll(Arrays.asList(c.getPermittedSubclasses()));
      } else {
        states.add(c);
      }
    }
    return states;
  }

  @Test
  void driverHandlesEveryPermittedState() {
    Set<Class<?>> permitted = concreteStates();
    assertThat(permitted).isEqualTo(Set.copyOf(Driver.HANDLED));
  }

  /** Runs after the flows: every permitted state was reached by some flow through the driver. */
  @AfterAll
  void everyPermittedStateWasVisitedByTheFlows() {
    List<Class<?>> permitted = List.copyOf(concreteStates());
    assertThat(visited)
        .containsAll(
            permitted.stream()
                .map(c -> (Class<? extends CacheState>) c.asSubclass(CacheState.class))
                .toList());
  }
}
