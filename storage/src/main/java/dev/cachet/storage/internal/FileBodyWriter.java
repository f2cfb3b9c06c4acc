package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Collects a body, computing its CRC32C, and on commit hands the complete entry file to the {@link
 * Commits}, which renames it into place. A body up to the store's buffer size is held in memory and
 * touches the disk only at commit, in one write; one that outgrows it streams into a temporary
 * entry file from then on (after room for the header and the metadata, written first, the header
 * sealed at commit), so the memory a writer holds stays bounded. Any failure deletes the temporary
 * file, so an aborted or failed write leaves nothing behind.
 */
final class FileBodyWriter implements BodyWriter {
  private static final byte[] EMPTY = new byte[0];

  private final FileStore store;
  private final StoredPair pair;
  private final int bufferBytes;
  private final CRC32C crc = new CRC32C();
  private final AtomicBoolean done = new AtomicBoolean();
  private byte @Nullable [] buffer = EMPTY; // let go (null) once on the disk or done
  private int buffered;
  // Null while the body is in memory. Volatile because close() of the store may abort the writer
  // from another thread while it moves to the disk: each then sees the other and one cleans up.
  private volatile Commits.@Nullable Temp temp;
  private EntryCodec.@Nullable Head head; // set with temp
  private long written;

  FileBodyWriter(FileStore store, StoredPair pair, int bufferBytes) {
    this.store = store;
    this.pair = pair;
    this.bufferBytes = bufferBytes;
  }

  @Override
  @SuppressWarnings(
      "NullAway") // the buffer is let go (null) once on the disk; nothing reads it after
  public void write(ByteBuffer chunk) throws IOException {
    if (done.get()) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    int length = chunk.remaining();
    long after = written + length;
    if (after > store.maximumBytes()) {
      abort();
      throw new StorageException(
          "body of " + pair.key() + " exceeds the storage bound of " + store.maximumBytes());
    }
    crc.update(chunk.duplicate());
    try {
      if (temp == null && after <= bufferBytes) {
        if (after > buffer.length) {
          buffer =
              Arrays.copyOf(buffer, (int) Math.min(bufferBytes, Math.max(after, 2L * buffered)));
        }
        chunk.get(buffer, buffered, length);
        buffered += length;
      } else {
        if (temp == null) {
          toDisk();
        }
        writeFully(chunk);
      }
    } catch (IOException e) {
      abort();
      throw new StorageException("cannot write the body of " + pair.key(), e);
    }
    written = after;
  }

  /** Moves the buffered bytes to a new temporary entry file, which takes every later chunk. */
  @SuppressWarnings(
      "NullAway") // the buffer is let go (null) once on the disk; nothing reads it after
  private void toDisk() throws IOException {
    head = EntryCodec.head(pair, Layout.newGeneration());
    temp = store.commits().createTemp(pair);
    if (done.get()) {
      // Aborted meanwhile by the store's close(), which may not have seen the file.
      deleteTemp();
      throw new StorageException("the storage is closed");
    }
    writeFully(ByteBuffer.wrap(head.bytes()));
    writeFully(ByteBuffer.wrap(buffer, 0, buffered));
    buffer = null;
  }

  @SuppressWarnings("NullAway") // called once toDisk() has set the temporary file
  private void writeFully(ByteBuffer b) throws IOException {
    FileChannel ch = temp.channel();
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  @Override
  public long bytesWritten() {
    return written;
  }

  @Override
  @SuppressWarnings("NullAway") // head is set with temp, and the buffer is there until then
  public void commit() throws IOException {
    if (!done.compareAndSet(false, true)) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    store.finished(this);
    try {
      if (temp == null) {
        store.commits().commit(pair, buffer, buffered, crc.getValue(), true);
        buffer = null;
        return;
      }
      Metadata meta = EntryCodec.seal(head, pair, written, crc.getValue());
      EntryCodec.writeAt(
          temp.channel(), 0, ByteBuffer.wrap(head.bytes(), 0, EntryCodec.HEADER_BYTES));
      temp.channel().close();
      store.commits().publish(temp, meta, head.bytes(), true);
      store.evictIfNeeded();
    } catch (IOException | RuntimeException e) {
      deleteTemp();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot commit the body of " + pair.key(), e);
    }
  }

  @Override
  public void abort() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    store.finished(this);
    buffer = null;
    deleteTemp();
  }

  private void deleteTemp() {
    Commits.Temp t = temp;
    if (t != null) {
      t.discard();
    }
  }

  @Override
  public void close() {
    abort();
  }
}
