package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemoryStorageTest extends StorageContract {

  @Override
  protected Storage newStorage(long maximumBytes) {
    return MemoryStorage.newBuilder().maximumBytes(maximumBytes).build();
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
