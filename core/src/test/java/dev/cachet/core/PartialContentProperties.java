package dev.cachet.core;

import static dev.cachet.core.Fixtures.T0;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.newId;
import static dev.cachet.core.Fixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Partial content never throws on what a client or a server sends (RFC 9110 §14), and every 206 the
 * cache makes names bytes within the stored body.
 */
class PartialContentProperties {
  static final CacheOptions RANGES = PartialContentTest.RANGES;

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> any =
        Arbitraries.strings()
            .all()
            .ofMaxLength(30)
            .map(s -> s.replace('\r', ' ').replace('\n', ' '));
    Arbitrary<String> pieces =
        Arbitraries.of(
                "bytes", "=", "-", ",", " ", "0", "9", "99", "100", "*", "/", "\"v1\"", "W/", "1")
            .list()
            .ofMaxSize(8)
            .map(l -> String.join("", l));
    return Arbitraries.oneOf(any, pieces);
  }

  @Property
  void P_01_P_03_anyRangeAndIfRange_giveAWholeResponse_aSliceWithinTheBody_orA416(
      @ForAll("values") String range, @ForAll("values") String ifRange) {
    StoredPair stored = PartialContentTest.stored100();
    IdleClient.Next next =
        IdleClient.of(RANGES)
            .next(get("Range", range, "If-Range", ifRange), List.of(stored), at(5));
    FromCache hit = (FromCache) next;
    int status = hit.response().status();
    assertThat(status).isIn(200, 206, 416);
    if (status == 206) {
      ContentRange slice = hit.slice().orElseThrow();
      assertThat(slice.offset() + slice.length()).isLessThanOrEqualTo(100);
      assertThat(hit.response().headers().firstValue("Content-Range")).contains(slice.fieldValue());
    } else {
      assertThat(hit.slice()).isEmpty();
    }
  }

  @Property
  void P_04_any206FromTheOrigin_isAPartWithinItsRepresentation_orNotStored(
      @ForAll("values") String contentRange, @ForAll("values") String etag) {
    Response r =
        response(206, "Cache-Control", "max-age=60", "ETag", etag, "Content-Range", contentRange);
    IdleClient.Next first = IdleClient.of(RANGES).next(get("Range", "bytes=0-9"), List.of(), T0);
    CacheMiss.WithParts next = ((CacheMiss) first).next(r, T0, T0, newId(), List.of());
    if (next instanceof StorePart part) {
      assertThat(part.part().offset() + part.part().length())
          .isLessThanOrEqualTo(part.part().completeLength());
      assertThat(part.pair().response().status()).isEqualTo(200);
    } else {
      assertThat(next).isInstanceOf(CouldNotBeStored.class);
    }
  }
}
