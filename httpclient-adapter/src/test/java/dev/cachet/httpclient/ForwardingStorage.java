package dev.cachet.httpclient;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A real storage behind a wrapper: every call goes to it; tests override what they watch. */
abstract class ForwardingStorage implements Storage {
  final Storage delegate;

  ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    return delegate.find(key);
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    return delegate.newWriter(pair);
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    return delegate.openBody(pair);
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    return delegate.update(pair);
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    delegate.remove(key, ids);
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    delegate.removeAll(key);
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public long evictionCount() {
    return delegate.evictionCount();
  }

  @Override
  public void clear() throws IOException {
    delegate.clear();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
