package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link CacheControl}: rendering and parsing are inverse, and parsing is total (§5.2.1). */
class CacheControlProperties {

  @Provide
  Arbitrary<CacheControl> values() {
    Arbitrary<java.util.Optional<Duration>> d =
        Arbitraries.longs().between(0, 3_000_000_000L).map(Duration::ofSeconds).optional(0.5);
    Arbitrary<Integer> stale = Arbitraries.integers().between(0, 2);
    Arbitrary<Boolean> b = Arbitraries.of(true, false);
    return Combinators.combine(d, stale, d, d, b, b, b, d)
        .as(
            (maxAge, staleKind, staleBound, minFresh, noCache, noStore, onlyIfCached, sie) -> {
              CacheControl.Builder x = CacheControl.newBuilder();
              maxAge.ifPresent(x::maxAge);
              if (staleKind == 1) {
                x.anyStale();
              } else if (staleKind == 2) {
                x.maxStale(staleBound.orElse(Duration.ZERO));
              }
              minFresh.ifPresent(x::minFresh);
              if (noCache) {
                x.noCache();
              }
              if (noStore) {
                x.noStore();
              }
              if (onlyIfCached) {
                x.onlyIfCached();
              }
              sie.ifPresent(x::staleIfError);
              return x.build();
            });
  }

  @Provide
  Arbitrary<String> fieldValues() {
    Arbitrary<String> pieces =
        Arbitraries.of(
                "max-age",
                "MAX-STALE",
                "min-fresh",
                "no-cache",
                "no-store",
                "only-if-cached",
                "stale-if-error",
                "x-ext",
                "=",
                "=5",
                "=\"7\"",
                "=-1",
                "=abc",
                "=99999999999",
                ",",
                ", ",
                " ",
                "\"",
                "\\")
            .list()
            .ofMaxSize(10)
            .map(l -> String.join("", l));
    Arbitrary<String> any =
        Arbitraries.strings()
            .all()
            .ofMaxLength(30)
            .map(s -> s.replace('\r', ' ').replace('\n', ' '));
    return Arbitraries.oneOf(pieces, any);
  }

  @Property(tries = 1000)
  void renderThenParse_givesTheSameValue(@ForAll("values") CacheControl cc) {
    assertThat(CacheControl.parse(cc.toHeaderValue())).isEqualTo(cc);
  }

  @Property(tries = 1000)
  void F_08_parseNeverThrows_andItsRenderingParsesToItself(@ForAll("fieldValues") String field) {
    CacheControl parsed = CacheControl.parse(field);
    assertThat(CacheControl.parse(parsed.toHeaderValue())).isEqualTo(parsed);
  }
}
