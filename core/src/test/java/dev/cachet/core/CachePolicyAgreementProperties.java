package dev.cachet.core;

import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.date;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * O-07: {@link CachePolicy} and the state machine, driven over the same inputs, never disagree:
 * what {@code beforeRequest} says of a stored response is what {@link IdleClient} does with it, and
 * what {@code afterResponse} says of a revalidation response is what {@link NeedRevalidation} does.
 */
class CachePolicyAgreementProperties {

  record Case(
      boolean shared,
      String storedCacheControl,
      String storedValidator,
      int revalidationStatus,
      String revalidationCacheControl,
      String revalidationValidator,
      long laterSeconds) {

    CacheOptions options() {
      return shared ? Fixtures.SHARED : Fixtures.PRIVATE;
    }

    Response stored() {
      return Fixtures.ok(withValidator("Cache-Control", storedCacheControl, storedValidator));
    }

    Response revalidation() {
      String[] fields =
          withValidator(
              "Cache-Control",
              revalidationCacheControl,
              "Date",
              date(laterSeconds),
              revalidationValidator);
      return Response.of(revalidationStatus, Headers.of(fields));
    }

    private static String[] withValidator(String... nameValuesThenValidator) {
      int n = nameValuesThenValidator.length - 1;
      String validator = nameValuesThenValidator[n];
      String[] out;
      if (validator.isEmpty()) {
        out = new String[n];
        System.arraycopy(nameValuesThenValidator, 0, out, 0, n);
      } else {
        String[] nv = validator.split(":", 2);
        out = new String[n + 2];
        System.arraycopy(nameValuesThenValidator, 0, out, 0, n);
        out[n] = nv[0];
        out[n + 1] = nv[1].trim();
      }
      return out;
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> cc =
        Arbitraries.of(
            "max-age=1",
            "max-age=60",
            "max-age=0",
            "no-cache",
            "no-store",
            "private, max-age=60",
            "public, max-age=1",
            "s-maxage=5, max-age=1",
            "max-age=1, stale-while-revalidate=60",
            "max-age=1, stale-if-error=60",
            "max-age=1, must-revalidate, stale-if-error=60",
            "");
    Arbitrary<String> validator =
        Arbitraries.of(
            "", "ETag:\"a\"", "ETag:W/\"a\"", "ETag:\"b\"", "Last-Modified:" + date(-3600));
    Arbitrary<Integer> status = Arbitraries.of(200, 304, 404, 500, 502, 503, 504);
    return Combinators.combine(
            Arbitraries.of(true, false),
            cc,
            validator,
            status,
            cc,
            validator,
            Arbitraries.longs().between(0, 200))
        .as(Case::new);
  }

  @Property(tries = 400)
  void O_07_beforeRequestAgreesWithTheStateMachine(@ForAll("cases") Case c) {
    CachePolicy policy = CachePolicy.of(get(), c.stored(), at(0), at(0), c.options());
    CachePolicy.BeforeRequest before = policy.beforeRequest(get(), at(c.laterSeconds()));
    if (!policy.isStorable()) {
      assertThat(before).isInstanceOf(CachePolicy.Unusable.class);
      return;
    }
    IdleClient.Next next =
        IdleClient.of(c.options()).next(get(), List.of(policy.pair()), at(c.laterSeconds()));
    if (next instanceof FromCache hit) {
      assertThat(before)
          .isInstanceOf(
              hit.pair().isPresent() ? CachePolicy.Fresh.class : CachePolicy.Unusable.class);
    } else if (next instanceof CacheMiss) {
      assertThat(before).isInstanceOf(CachePolicy.Unusable.class);
    } else {
      assertThat(before).isInstanceOf(CachePolicy.Stale.class);
    }
  }

  @Property(tries = 400)
  void O_07_afterResponseAgreesWithTheStateMachine(@ForAll("cases") Case c) {
    CachePolicy policy = CachePolicy.of(get(), c.stored(), at(0), at(0), c.options());
    if (!policy.isStorable()) {
      return;
    }
    Instant later = at(c.laterSeconds());
    CachePolicy.AfterResponse after = policy.afterResponse(get(), c.revalidation(), later);
    NeedRevalidation.Next next =
        NeedRevalidation.of(c.options(), get(), policy.pair())
            .next(c.revalidation(), later, later, newId());
    if (c.revalidationStatus() >= 500) {
      assertThat(after).isInstanceOf(CachePolicy.ServerError.class);
      assertThat(((CachePolicy.ServerError) after).staleHeaders().isPresent())
          .isEqualTo(next instanceof FromCache);
      assertThat(after.policy()).isSameAs(policy);
    } else if (next instanceof NeedToBeUpdated update) {
      assertThat(after).isInstanceOf(CachePolicy.NotModified.class);
      assertThat(after.policy().isStorable()).isEqualTo(!update.updated().isEmpty());
    } else {
      assertThat(after).isInstanceOf(CachePolicy.Modified.class);
      assertThat(after.policy().isStorable()).isEqualTo(stores(next));
    }
  }

  private static boolean stores(NeedRevalidation.Next next) {
    if (next instanceof InvalidatePairs inv) {
      return inv.next() instanceof StoreAndUse;
    }
    return next instanceof StoreAndUse;
  }
}
