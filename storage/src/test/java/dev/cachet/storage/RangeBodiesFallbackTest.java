package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A storage that implements only the abstract methods of {@link Storage} still reads ranges
 * correctly (RFC 9110 §14), through the default that skips, and keeps no partial entries.
 */
class RangeBodiesFallbackTest extends StorageContract {

  @Override
  protected Storage newStorage(long maximumBytes) {
    return new Minimal(MemoryStorage.newBuilder().maximumBytes(maximumBytes).build());
  }

  @Test
  void P_01_theDefaultSkips_acrossSmallChunks() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/fallback");
    byte[] body = bytes(1000, 9);
    store(s, p, body, 7);
    assertThat(readRange(s, p, 333, 100)).contains(java.util.Arrays.copyOfRange(body, 333, 433));
    assertThatThrownBy(() -> s.openBody(p, 990, 20)).isInstanceOf(StorageException.class);
  }

  /** Delegates the abstract methods; its bodies come in chunks of 7 bytes and cannot be sliced. */
  private static final class Minimal implements Storage {
    private final Storage d;

    Minimal(Storage d) {
      this.d = d;
    }

    @Override
    public List<StoredPair> find(CacheKey key) throws IOException {
      return d.find(key);
    }

    @Override
    public BodyWriter newWriter(StoredPair pair) throws IOException {
      return d.newWriter(pair);
    }

    @Override
    public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
      return d.openBody(pair).map(SevenByteChunks::new);
    }

    @Override
    public boolean update(StoredPair pair) throws IOException {
      return d.update(pair);
    }

    @Override
    public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
      d.remove(key, ids);
    }

    @Override
    public void removeAll(CacheKey key) throws IOException {
      d.removeAll(key);
    }

    @Override
    public long size() throws IOException {
      return d.size();
    }

    @Override
    public long evictionCount() {
      return d.evictionCount();
    }

    @Override
    public void clear() throws IOException {
      d.clear();
    }

    @Override
    public void close() throws IOException {
      d.close();
    }
  }

  private static final class SevenByteChunks implements StoredBody {
    private final InputStream in;
    private final long length;

    SevenByteChunks(StoredBody body) {
      this.in = body.asInputStream();
      this.length = body.length();
    }

    @Override
    public long length() {
      return length;
    }

    @Override
    public Optional<ByteBuffer> nextChunk() throws IOException {
      byte[] b = in.readNBytes(7);
      return b.length == 0 ? Optional.empty() : Optional.of(ByteBuffer.wrap(b));
    }

    @Override
    public InputStream asInputStream() {
      return in;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
