package dev.cachet.httpclient;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A storage whose every call fails, as a broken disk or an unreachable store would: the one thing
 * in these tests that cannot be real.
 */
final class ThrowingStorage implements Storage {
  final AtomicInteger calls = new AtomicInteger();

  private StorageException fail(String what) {
    calls.incrementAndGet();
    return new StorageException("broken storage: " + what);
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws StorageException {
    throw fail("find");
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws StorageException {
    throw fail("newWriter");
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws StorageException {
    throw fail("openBody");
  }

  @Override
  public boolean update(StoredPair pair) throws StorageException {
    throw fail("update");
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws StorageException {
    throw fail("remove");
  }

  @Override
  public void removeAll(CacheKey key) throws StorageException {
    throw fail("removeAll");
  }

  @Override
  public long size() throws StorageException {
    throw fail("size");
  }

  @Override
  public long evictionCount() {
    calls.incrementAndGet();
    throw new IllegalStateException("broken storage: evictionCount");
  }

  @Override
  public void clear() throws StorageException {
    throw fail("clear");
  }

  @Override
  public void close() {}
}
