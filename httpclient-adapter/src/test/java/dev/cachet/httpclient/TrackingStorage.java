package dev.cachet.httpclient;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real storage, watched: counts the writers and bodies it hands out that are not yet finished
 * (committed, aborted or closed), so a test can prove that none is left open.
 */
final class TrackingStorage extends ForwardingStorage {
  final AtomicInteger openWriters = new AtomicInteger();
  final AtomicInteger openBodies = new AtomicInteger();

  TrackingStorage(Storage real) {
    super(real);
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    BodyWriter w = delegate.newWriter(pair);
    openWriters.incrementAndGet();
    return new BodyWriter() {
      private boolean finished;

      private synchronized void finish() {
        if (!finished) {
          finished = true;
          openWriters.decrementAndGet();
        }
      }

      @Override
      public void write(ByteBuffer chunk) throws IOException {
        w.write(chunk);
      }

      @Override
      public long bytesWritten() {
        return w.bytesWritten();
      }

      @Override
      public void commit() throws IOException {
        w.commit();
        finish();
      }

      @Override
      public void abort() {
        w.abort();
        finish();
      }

      @Override
      public void close() {
        w.close();
        finish();
      }
    };
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    Optional<StoredBody> b = delegate.openBody(pair);
    if (b.isEmpty()) {
      return b;
    }
    StoredBody body = b.get();
    openBodies.incrementAndGet();
    return Optional.of(
        new StoredBody() {
          private boolean closed;

          @Override
          public long length() {
            return body.length();
          }

          @Override
          public Optional<ByteBuffer> nextChunk() throws IOException {
            return body.nextChunk();
          }

          @Override
          public java.io.InputStream asInputStream() {
            return body.asInputStream();
          }

          @Override
          public synchronized void close() throws IOException {
            body.close();
            if (!closed) {
              closed = true;
              openBodies.decrementAndGet();
            }
          }
        });
  }
}
