package dev.cachet.core;

import static dev.cachet.core.Fixtures.PRIVATE;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The data core exposes for the RFC 9211 {@code Cache-Status} field (B-01); the adapter writes the
 * field (issue 4).
 */
class CacheStatusTest {
  @Test
  void B_01_hitRendersHitAndTtl() {
    FromCache hit =
        (FromCache) lookup(get(), at(10), store(get(), ok("Cache-Control", "max-age=60")));
    assertThat(hit.status().toFieldValue("Cachet")).isEqualTo("Cachet; hit; ttl=50");
  }

  @Test
  void B_01_aStoreGivenUpAfterwards_saysNotStoredAndWhy() {
    CacheStatus stored =
        CacheStatus.forwarded(CacheStatus.Forward.URI_MISS).withFwdStatus(200).withStored();
    CacheStatus given =
        stored.notStored(new Reason("E-01", "Storage", "the storage refused the write"));
    assertThat(given.stored()).isFalse();
    assertThat(given.toFieldValue("Cachet"))
        .isEqualTo(
            "Cachet; fwd=uri-miss; fwd-status=200; detail=\"E-01 the storage refused the write\"");
  }

  @Test
  void B_01_storedMissRendersFwdFwdStatusStoredTtl() {
    StoreAndUse st = (StoreAndUse) miss(PRIVATE, get(), ok("Cache-Control", "max-age=60"));
    assertThat(st.status().toFieldValue("Cachet"))
        .isEqualTo("Cachet; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void B_01_notStoredRendersDetailWithReason() {
    CouldNotBeStored no = (CouldNotBeStored) miss(PRIVATE, get(), ok("Cache-Control", "no-store"));
    assertThat(no.status().toFieldValue("Cachet"))
        .isEqualTo(
            "Cachet; fwd=uri-miss; fwd-status=200; detail=\"S3-04 no-store in the response\"");
  }

  @Test
  void B_01_cacheNameThatIsNotATokenIsAString() {
    assertThat(CacheStatus.forwarded(CacheStatus.Forward.METHOD).toFieldValue("my cache"))
        .isEqualTo("\"my cache\"; fwd=method");
  }

  @Test
  void B_01_detailIsEscaped() {
    assertThat(CacheStatus.hit(1).withDetail("a\"b\\c\u00e9").toFieldValue("C"))
        .isEqualTo("C; hit; ttl=1; detail=\"a\\\"b\\\\c?\"");
  }

  @Test
  void B_03_collapsedIsExposedForTheAdapter() {
    assertThat(
            CacheStatus.forwarded(CacheStatus.Forward.URI_MISS).withCollapsed().toFieldValue("C"))
        .isEqualTo("C; fwd=uri-miss; collapsed");
  }
}
