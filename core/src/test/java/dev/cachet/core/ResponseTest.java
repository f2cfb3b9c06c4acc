package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Responses carry their parsed facts, computed once (DESIGN.md). */
class ResponseTest {
  @Test
  void R4_05_SEC_05_varyNames_areLowerCased_andNoneWhenVaryNeverMatches() {
    assertThat(
            Response.of(200, Headers.of("Vary", "Accept-Language, X-A", "Vary", "x-b")).varyNames())
        .containsExactly("accept-language", "x-a", "x-b");
    assertThat(Response.of(200, Headers.of("Vary", "Accept, *")).varyNames()).isEmpty();
    assertThat(Response.of(200, Headers.of("Vary", "Accept;q=1")).varyNames()).isEmpty();
    assertThat(Response.of(200, Headers.empty()).varyNames()).isEmpty();
  }

  @Test
  void factsAreComputedOnceAndReused() {
    Response r = Response.of(200, Headers.of("Cache-Control", "max-age=60"));
    assertThat(r.facts()).isSameAs(r.facts());
    StoredPair p = Fixtures.pair(Fixtures.get(), r, Fixtures.at(0), Fixtures.at(0));
    Fixtures.lookup(Fixtures.get(), Fixtures.at(1), p);
    assertThat(p.response().facts()).isSameAs(r.facts());
  }

  @Test
  void withStatusKeepsFacts_withHeadersComputesNew() {
    Response r = Response.of(200, Headers.of("Cache-Control", "max-age=60"));
    assertThat(r.withStatus(203).facts()).isSameAs(r.facts());
    Response other = r.withHeaders(Headers.of("Cache-Control", "max-age=5"));
    assertThat(other.facts()).isNotSameAs(r.facts());
    assertThat(other.facts().cacheControl().seconds("max-age")).hasValue(5);
  }

  @Test
  void equalityIsByStatusAndHeaders() {
    assertThat(Response.of(200, Headers.of("A", "1")))
        .isEqualTo(Response.of(200, Headers.of("A", "1")));
    assertThat(Response.of(200, Headers.of("A", "1")))
        .isNotEqualTo(Response.of(201, Headers.of("A", "1")));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 99, 1000})
  void statusOutside100To999_isRejected(int status) {
    assertThatThrownBy(() -> Response.of(status, Headers.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
