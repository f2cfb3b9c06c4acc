package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where RFC 9111 leaves a choice, and the defaults a private client wants. */
class CacheOptionsTest {
  @Test
  void defaultsArePrivateGetHeadTenPercentOneDay() {
    CacheOptions d = CacheOptions.defaults();
    assertThat(d.shared()).isFalse();
    assertThat(d.cacheableMethods()).containsExactlyInAnyOrder("GET", "HEAD");
    assertThat(d.heuristicFraction()).isEqualTo(0.1);
    assertThat(d.heuristicCap()).isEqualTo(Duration.ofDays(1));
    assertThat(d.immutableMinimumLifetime()).isEqualTo(Duration.ofDays(1));
    assertThat(d.staleWhileRevalidate()).isTrue();
    assertThat(d.staleIfError()).isTrue();
    assertThat(d.serveStaleWhenOriginUnreachable()).isFalse();
    assertThat(d.ignoreCargoCultDirectives()).isFalse();
    assertThat(d.maximumBodySize()).isEmpty();
    assertThat(d.targetedFields()).isEmpty();
  }

  @Test
  void builderValidatesEagerly() {
    CacheOptions.Builder b = CacheOptions.newBuilder();
    assertThatThrownBy(() -> b.cacheableMethods(Set.of("POST")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.heuristicFraction(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.heuristicFraction(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.heuristicCap(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maximumBodySize(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toBuilderRoundTripsAndBuilderIsReusable() {
    CacheOptions o =
        CacheOptions.newBuilder()
            .shared(true)
            .cacheableMethods(Set.of("get"))
            .targetedFields(List.of("CDN-Cache-Control"))
            .build();
    CacheOptions copy = o.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(o.toString());
    assertThat(copy.cacheableMethods()).containsExactly("GET");
  }
}
