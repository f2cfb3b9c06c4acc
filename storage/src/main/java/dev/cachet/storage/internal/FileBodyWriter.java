package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Collects a body, computing its CRC32C, and on commit hands the complete file to the {@link
 * FileStore}, which makes it visible. A body up to the store's buffer size is held in memory and
 * touches the disk only at commit, in one write; one that outgrows it streams into a temporary file
 * in the key directory from then on, so the memory a writer holds stays bounded. Any failure
 * deletes the temporary file, so an aborted or failed write leaves nothing behind.
 */
final class FileBodyWriter implements BodyWriter {
  private static final byte[] EMPTY = new byte[0];

  private final FileStore store;
  private final StoredPair pair;
  private final Path dir;
  private final String bodyName;
  private final Path temp;
  private final int bufferBytes;
  private final CRC32C crc = new CRC32C();
  private final AtomicBoolean done = new AtomicBoolean();
  private byte[] buffer = EMPTY;
  private int buffered;
  // Null while the body is in memory. Volatile because close() of the store may abort the writer
  // from another thread while it moves to the disk: each then sees the other and one cleans up.
  private volatile @Nullable FileChannel channel;
  private boolean inNewDirectory;
  private long written;

  FileBodyWriter(FileStore store, StoredPair pair, Path dir, int bufferBytes) {
    this.store = store;
    this.pair = pair;
    this.dir = dir;
    this.bodyName = Layout.bodyName(pair.id(), Layout.newGeneration());
    this.temp = dir.resolve(bodyName + Layout.TEMP_SUFFIX);
    this.bufferBytes = bufferBytes;
  }

  @Override
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
      if (channel == null && after <= bufferBytes) {
        if (after > buffer.length) {
          buffer =
              Arrays.copyOf(buffer, (int) Math.min(bufferBytes, Math.max(after, 2L * buffered)));
        }
        chunk.get(buffer, buffered, length);
        buffered += length;
      } else {
        if (channel == null) {
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

  /** Moves the buffered bytes to a new temporary file, which takes every later chunk. */
  @SuppressWarnings(
      "NullAway") // the buffer is let go (null) once on the disk; nothing reads it after
  private void toDisk() throws IOException {
    open();
    if (done.get()) {
      // Aborted meanwhile by the store's close(), which may not have seen the channel.
      deleteTemp();
      throw new StorageException("the storage is closed");
    }
    writeFully(ByteBuffer.wrap(buffer, 0, buffered));
    buffer = null;
  }

  private void open() throws IOException {
    FileStore.NewFile file = store.createFile(dir, temp, pair);
    inNewDirectory = file.inNewDirectory();
    channel = file.channel();
  }

  @SuppressWarnings("NullAway") // called once open() has set the channel
  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  @Override
  public long bytesWritten() {
    return written;
  }

  @Override
  @SuppressWarnings("NullAway") // the channel is open from here on, and the buffer let go
  public void commit() throws IOException {
    if (!done.compareAndSet(false, true)) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    store.finished(this);
    try {
      if (channel == null) {
        open();
        writeFully(ByteBuffer.wrap(buffer, 0, buffered));
        buffer = null;
      }
      if (store.durable()) {
        // The data and the length, which is all a reader needs; the name is made durable by the
        // store's sync of the directory after the rename.
        channel.force(false);
      }
      channel.close();
      store.publish(pair, dir, temp, bodyName, written, crc.getValue(), inNewDirectory);
    } catch (IOException | RuntimeException e) {
      deleteTemp();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot commit the body of " + pair.key(), e);
    }
  }

  @Override
  @SuppressWarnings("NullAway") // the buffer is let go (null) once the writer is done
  public void abort() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    store.finished(this);
    buffer = null;
    deleteTemp();
  }

  private void deleteTemp() {
    FileChannel ch = channel;
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // Closing is best effort; the file is deleted next.
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // Left for recovery: a temporary file is never visible and is deleted on open.
    }
  }

  @Override
  public void close() {
    abort();
  }
}
