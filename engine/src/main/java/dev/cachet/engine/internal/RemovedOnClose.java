package dev.cachet.engine.internal;

import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stored body that runs an action once, when it is closed: for a pair that must leave the store
 * (SEC-01) but whose body one last client is still reading.
 */
final class RemovedOnClose implements StoredBody {
  private final StoredBody body;
  private final Runnable then;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RemovedOnClose(StoredBody body, Runnable then) {
    this.body = body;
    this.then = then;
  }

  static StoredBody of(StoredBody body, Runnable then) {
    return new RemovedOnClose(body, then);
  }

  @Override
  public long length() {
    return body.length();
  }

  @Override
  public Optional<ByteBuffer> nextChunk() throws IOException {
    return body.nextChunk();
  }

  @Override
  public InputStream asInputStream() {
    return body.asInputStream();
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      body.close();
    } finally {
      then.run();
    }
  }
}
