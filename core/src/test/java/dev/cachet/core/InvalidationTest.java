package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.URI_A;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.request;
import static dev.cachet.core.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalidation after unsafe methods (RFC 9111 §4.4). */
class InvalidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "BREW", "get"})
  void I_01_nonErrorResponseToUnsafeMethod_invalidatesTarget(String method) {
    assertThat(Invalidation.keysAfter(request(method, URI_A), response(200)))
        .containsExactly(CacheKey.of(URI_A));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 204, 301, 303, 399})
  void I_01_2xxAnd3xx_invalidate(int status) {
    assertThat(Invalidation.keysAfter(request("POST", URI_A), response(status))).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 400, 404, 500, 503})
  void I_01_errorsDoNotInvalidate(int status) {
    assertThat(Invalidation.keysAfter(request("POST", URI_A), response(status))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "TRACE"})
  void I_01_safeMethodsDoNotInvalidate(String method) {
    assertThat(Invalidation.keysAfter(request(method, URI_A), response(200))).isEmpty();
  }

  @Test
  void I_01_throughTheMachine_missGivesInvalidatePairs() {
    InvalidatePairs inv = (InvalidatePairs) miss(PRIVATE, request("DELETE", URI_A), response(204));
    assertThat(inv.keys()).containsExactly(CacheKey.of(URI_A));
    assertThat(inv.pairs()).isEmpty();
    assertThat(((CouldNotBeStored) inv.next()).reason().id()).isEqualTo("S3-01");
  }

  /** Location or Content-Location value | invalidated key, or "-" for none. */
  @ParameterizedTest
  @CsvSource({
    "/b, https://example.com/b",
    "b?x=1, https://example.com/b?x=1",
    "https://EXAMPLE.com:443/c, https://example.com/c",
    "https://other.example/b, -",
    "http://example.com/b, -",
    "https://example.com:8443/b, -",
    "'::not a uri', -",
    "mailto:a@example.com, -",
  })
  void I_02_locationAndContentLocation_onlyForTheSameOrigin(String value, String expected) {
    for (String field : new String[] {"Location", "Content-Location"}) {
      var keys = Invalidation.keysAfter(request("POST", URI_A), response(201, field, value));
      if (expected.equals("-")) {
        assertThat(keys).as(field).containsExactly(CacheKey.of(URI_A));
      } else {
        assertThat(keys)
            .as(field)
            .containsExactly(CacheKey.of(URI_A), CacheKey.of(URI.create(expected)));
      }
    }
  }

  @Test
  void I_02_opaqueTargetUri_neverThrows() {
    Request r = request("POST", URI.create("urn:example:thing"));
    assertThat(Invalidation.keysAfter(r, response(200, "Location", "https://example.com/x")))
        .containsExactly(CacheKey.of(URI.create("urn:example:thing")));
  }
}
