package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.internal.HttpDates;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Values the core tests share: fixed instants, URIs, options and short builders. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final URI URI_A = URI.create("https://example.com/a");
  static final URI URI_B = URI.create("https://example.com/b");
  static final CacheOptions PRIVATE = CacheOptions.defaults();
  static final CacheOptions SHARED = CacheOptions.newBuilder().shared(true).build();

  private static final AtomicLong IDS = new AtomicLong();

  private Fixtures() {}

  static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  static String date(long secondsFromT0) {
    return HttpDates.format(at(secondsFromT0));
  }

  static String httpDate(Instant t) {
    return HttpDates.format(t);
  }

  static UUID newId() {
    return new UUID(0, IDS.incrementAndGet());
  }

  static Request get(String... headers) {
    return new Request("GET", URI_A, Headers.of(headers));
  }

  static Request head(String... headers) {
    return new Request("HEAD", URI_A, Headers.of(headers));
  }

  static Request request(String method, URI uri, String... headers) {
    return new Request(method, uri, Headers.of(headers));
  }

  /** A response with {@code Date: T0} unless the headers give a Date. */
  static Response response(int status, String... headers) {
    Headers h = Headers.of(headers);
    if (!h.contains("Date")) {
      h = h.plus("Date", date(0));
    }
    return Response.of(status, h);
  }

  static Response ok(String... headers) {
    return response(200, headers);
  }

  /** Runs a miss at {@code at(seconds)} and returns what the machine decided. */
  static CacheMiss.Next miss(CacheOptions options, Request request, Response response) {
    IdleClient.Next first = IdleClient.of(options).next(request, List.of(), T0);
    assertThat(first).isInstanceOf(CacheMiss.class);
    return ((CacheMiss) first).next(response, T0, T0, newId());
  }

  /** The pair the machine stores for this exchange at T0; fails when it would not store it. */
  static StoredPair store(CacheOptions options, Request request, Response response) {
    CacheMiss.Next next = miss(options, request, response);
    if (next instanceof InvalidatePairs inv) {
      next = inv.next();
    }
    assertThat(next).as("stored").isInstanceOf(StoreAndUse.class);
    return ((StoreAndUse) next).pair();
  }

  static StoredPair store(Request request, Response response) {
    return store(PRIVATE, request, response);
  }

  /** A pair built directly, with the given exchange times. */
  static StoredPair pair(Request request, Response response, Instant sent, Instant received) {
    return new StoredPair(newId(), request.key(), request, response, sent, received);
  }

  static IdleClient.Next lookup(
      CacheOptions options, Request request, Instant now, StoredPair... stored) {
    return IdleClient.of(options).next(request, Arrays.asList(stored), now);
  }

  static IdleClient.Next lookup(Request request, Instant now, StoredPair... stored) {
    return lookup(PRIVATE, request, now, stored);
  }

  /** The reason a miss gave for not storing, failing when it stored. */
  static Reason notStoredReason(CacheMiss.Next next) {
    if (next instanceof InvalidatePairs inv) {
      next = inv.next();
    }
    assertThat(next).isInstanceOf(CouldNotBeStored.class);
    return ((CouldNotBeStored) next).reason();
  }

  static List<String> ids(List<StoredPair> pairs) {
    List<String> out = new ArrayList<>();
    for (StoredPair p : pairs) {
      out.add(p.id().toString());
    }
    return out;
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
