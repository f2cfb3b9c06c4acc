package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryStorageTest extends StorageContract {

  @Override
  protected Storage newStorage(long maximumBytes) {
    return MemoryStorage.newBuilder().maximumBytes(maximumBytes).build();
  }

  @Test
  void commitIsCheap_forEveryLength() {
    MemoryStorage s = MemoryStorage.newBuilder().build();
    assertThat(s.commitIsCheap(-1)).isTrue();
    assertThat(s.commitIsCheap(0)).isTrue();
    assertThat(s.commitIsCheap(Long.MAX_VALUE)).isTrue();
  }

  @Nested
  class EntryBound {
    private final MemoryStorage s =
        MemoryStorage.newBuilder().maximumBytes(1 << 20).maximumEntryBytes(10_000).build();

    @Test
    void bodyPastTheEntryBound_failsTheWrite_andStoresNothing() throws IOException {
      StoredPair p = pair("http://example.com/big");
      BodyWriter w = s.newWriter(p);
      w.write(ByteBuffer.wrap(bytes(5000, 1)));
      assertThatThrownBy(() -> w.write(ByteBuffer.wrap(bytes(5000, 2))))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("10000");
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.size()).isZero();
    }

    @Test
    void headersCountTowardTheEntryBound() throws IOException {
      StoredPair p = pair("http://example.com/heavy", Headers.empty(), "X", "y".repeat(3000));
      BodyWriter w = s.newWriter(p);
      w.write(ByteBuffer.wrap(bytes(6000, 1)));
      assertThatThrownBy(() -> w.write(ByteBuffer.wrap(bytes(1000, 1))))
          .isInstanceOf(StorageException.class);
      assertThat(s.find(p.key())).isEmpty();
    }

    @Test
    void pairWithinTheEntryBound_isStored() throws IOException {
      StoredPair p = pair("http://example.com/fits");
      store(s, p, bytes(9000, 1), 100);
      assertThat(readChunks(s, p)).contains(bytes(9000, 1));
    }
  }

  @Test
  void body_isOneReadOnlyChunk_withoutCopy() throws IOException {
    MemoryStorage s = MemoryStorage.newBuilder().build();
    StoredPair p = pair("http://example.com/one");
    store(s, p, bytes(3000, 5), 100);
    try (StoredBody body = s.openBody(p).orElseThrow()) {
      ByteBuffer chunk = body.nextChunk().orElseThrow();
      assertThat(chunk.isReadOnly()).isTrue();
      assertThat(chunk.remaining()).isEqualTo(3000);
      assertThat(body.nextChunk()).isEqualTo(Optional.empty());
    }
    s.close();
  }

  @Test
  void storedBody_cannotBeChangedThroughTheStreamOfAReader() throws IOException {
    MemoryStorage s = MemoryStorage.newBuilder().build();
    StoredPair p = pair("http://example.com/shared-array");
    store(s, p, bytes(3000, 5), 100);
    try (StoredBody body = s.openBody(p).orElseThrow()) {
      body.asInputStream()
          .transferTo(
              new java.io.OutputStream() {
                @Override
                public void write(int b) {}

                @Override
                public void write(byte[] b, int off, int len) {
                  // A sink that scrambles what it is given, as an in-place encoder may.
                  java.util.Arrays.fill(b, off, off + len, (byte) 0);
                }
              });
    }
    assertThat(readChunks(s, p)).contains(bytes(3000, 5));
    s.close();
  }

  @Nested
  class InFlightBound {
    @Test
    void SEC_08_writersCountAgainstTheInFlightBound_andOneThatDoesNotFitFails() throws IOException {
      MemoryStorage s =
          MemoryStorage.newBuilder().maximumBytes(1 << 20).maximumInFlightBytes(20_000).build();
      StoredPair a = pair("http://example.com/a");
      StoredPair b = pair("http://example.com/b");
      BodyWriter wa = s.newWriter(a);
      wa.write(ByteBuffer.wrap(bytes(15_000, 1)));
      assertThat(s.inFlightBytes()).isGreaterThanOrEqualTo(15_000).isLessThanOrEqualTo(20_000);
      BodyWriter wb = s.newWriter(b);
      assertThatThrownBy(() -> wb.write(ByteBuffer.wrap(bytes(15_000, 2))))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("in-flight");
      assertThatThrownBy(wb::commit).isInstanceOf(IllegalStateException.class);
      // The first write is not disturbed, and its bytes leave the budget when it commits.
      wa.commit();
      assertThat(s.inFlightBytes()).isZero();
      assertThat(readChunks(s, a)).contains(bytes(15_000, 1));
      assertThat(s.find(b.key())).isEmpty();
    }

    @Test
    void SEC_08_abortedAndClosedWritersGiveTheirBytesBack() throws IOException {
      MemoryStorage s = MemoryStorage.newBuilder().maximumInFlightBytes(100_000).build();
      for (int i = 0; i < 50; i++) {
        BodyWriter w = s.newWriter(pair("http://example.com/" + i));
        w.write(ByteBuffer.wrap(bytes(30_000, i)));
        if (i % 2 == 0) {
          w.abort();
        } else {
          w.close();
        }
      }
      assertThat(s.inFlightBytes()).isZero();
    }

    @Test
    void SEC_08_defaultsToTheStoresBound() {
      assertThat(MemoryStorage.newBuilder().maximumBytes(5_000_000).build().maximumInFlightBytes())
          .isEqualTo(5_000_000);
      assertThatThrownBy(() -> MemoryStorage.newBuilder().maximumInFlightBytes(0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void SEC_06_manyPairsUnderOneKey_areRemovedWithoutRecursion() throws Exception {
    // Regression: removing from a list of ~30k variants recursed into a StackOverflowError. On a
    // thread with a 128 KiB stack, a recursion over 8,000 links would overflow as surely.
    MemoryStorage s = MemoryStorage.newBuilder().maximumBytes(256L << 20).build();
    List<StoredPair> pairs = new ArrayList<>();
    for (int i = 0; i < 8_000; i++) {
      StoredPair p = pair("http://example.com/flood");
      s.newWriter(p).commit();
      pairs.add(p);
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread small =
        new Thread(
            null,
            () -> {
              try {
                s.remove(pairs.get(0).key(), List.of(pairs.get(0).id()));
                s.remove(pairs.get(0).key(), List.of(pairs.get(7_999).id()));
              } catch (Throwable t) {
                failure.set(t);
              }
            },
            "small-stack",
            128 * 1024);
    small.start();
    small.join();
    assertThat(failure.get()).isNull();
    assertThat(s.find(pairs.get(0).key()))
        .hasSize(7_998)
        .contains(pairs.get(4_000))
        .doesNotContain(pairs.get(0), pairs.get(7_999));
  }

  @Test
  void builder_validatesEagerly_andDefaults() {
    assertThatThrownBy(() -> MemoryStorage.newBuilder().maximumBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MemoryStorage.newBuilder().maximumEntryBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MemoryStorage.newBuilder().maximumBytes(1).maximumBytes(2))
        .isInstanceOf(IllegalStateException.class);
    MemoryStorage defaults = MemoryStorage.newBuilder().build();
    assertThat(defaults.maximumBytes()).isEqualTo(64L << 20);
    assertThat(defaults.maximumEntryBytes()).isEqualTo(8L << 20);
    MemoryStorage small = MemoryStorage.newBuilder().maximumBytes(1000).build();
    assertThat(small.maximumEntryBytes()).isEqualTo(1000);
  }
}
