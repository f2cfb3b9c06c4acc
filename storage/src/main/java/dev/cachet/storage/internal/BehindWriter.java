package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A writer of {@link WriteBehind}: it holds a small body in memory and its commit queues the write
 * behind the caller; a larger body goes on to the store's own writer, committed by the caller.
 */
final class BehindWriter implements BodyWriter {
  private static final byte[] EMPTY = new byte[0];

  private final FileStore store;
  private final GroupCommit queue;
  private final int bufferBytes;
  private final StoredPair pair;
  private byte @Nullable [] buffer = EMPTY; // let go (null) once handed on
  private int count;
  private @Nullable BodyWriter direct; // null while the body is held in memory
  private boolean done;

  BehindWriter(FileStore store, GroupCommit queue, int bufferBytes, StoredPair pair) {
    this.store = store;
    this.queue = queue;
    this.bufferBytes = bufferBytes;
    this.pair = pair;
  }

  @Override
  @SuppressWarnings(
      "NullAway") // the buffer is let go (null) once handed on; nothing reads it after
  public void write(ByteBuffer chunk) throws IOException {
    requireNonNull(chunk, "chunk");
    if (done) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    if (direct != null) {
      direct.write(chunk);
      return;
    }
    try {
      // Storage.close(): pending writers are aborted; the store's own writers are aborted by it.
      store.checkOpen();
    } catch (StorageException closed) {
      abort();
      throw closed;
    }
    int n = chunk.remaining();
    long after = (long) count + n;
    if (after > store.maximumBytes()) {
      abort();
      throw new StorageException(
          "body of " + pair.key() + " exceeds the storage bound of " + store.maximumBytes());
    }
    if (after > bufferBytes) {
      // Too big to hold: the store's writer takes it from here (and checks the bounds).
      direct = store.newWriter(pair);
      try {
        direct.write(ByteBuffer.wrap(buffer, 0, count));
        buffer = null;
        direct.write(chunk);
      } catch (IOException | RuntimeException e) {
        abort();
        throw e;
      }
      return;
    }
    if (after > buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min(bufferBytes, Math.max(after, 2L * count)));
    }
    chunk.get(buffer, count, n);
    count = (int) after;
  }

  @Override
  public long bytesWritten() {
    return direct != null ? direct.bytesWritten() : count;
  }

  @Override
  public void commit() throws IOException {
    if (done) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    done = true;
    if (direct != null) {
      queue.settle(pair.key());
      direct.commit();
      return;
    }
    store.checkOpen();
    byte[] body = buffer;
    buffer = null;
    boolean over = queue.reserve(count);
    PendingWrite p = new PendingWrite(pair, body, count, null);
    queue.enqueue(p);
    if (over) {
      // The backlog is full: this caller waits for its batch, so callers go at the disk's pace.
      queue.writeNow();
      p.await();
    }
  }

  @Override
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    buffer = null;
    if (direct != null) {
      direct.abort();
    }
  }

  @Override
  public void close() {
    if (!done) {
      abort();
    }
  }
}
