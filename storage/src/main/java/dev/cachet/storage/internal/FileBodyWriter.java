package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Streams a body into a temporary file in the key directory, computing its CRC32C; on commit hands
 * the complete file to the {@link FileStore}, which makes it visible. Any failure deletes the
 * temporary file, so an aborted or failed write leaves nothing behind.
 */
final class FileBodyWriter implements BodyWriter {
  private final FileStore store;
  private final StoredPair pair;
  private final Path dir;
  private final String generation;
  private final Path temp;
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  private long written;
  private volatile boolean done;

  FileBodyWriter(FileStore store, StoredPair pair, Path dir) throws IOException {
    this.store = store;
    this.pair = pair;
    this.dir = dir;
    this.generation = Layout.newGeneration();
    this.temp = dir.resolve(Layout.bodyName(pair.id(), generation) + Layout.TEMP_SUFFIX);
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (done) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    long after = written + chunk.remaining();
    if (after > store.maximumBytes()) {
      abort();
      throw new StorageException(
          "body of " + pair.key() + " exceeds the storage bound of " + store.maximumBytes());
    }
    crc.update(chunk.duplicate());
    try {
      while (chunk.hasRemaining()) {
        channel.write(chunk);
      }
    } catch (IOException e) {
      abort();
      throw new StorageException("cannot write the body of " + pair.key(), e);
    }
    written = after;
  }

  @Override
  public long bytesWritten() {
    return written;
  }

  @Override
  public void commit() throws IOException {
    if (done) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    done = true;
    store.finished(this);
    try {
      if (store.durable()) {
        channel.force(true);
      }
      channel.close();
      store.publish(
          pair, dir, temp, Layout.bodyName(pair.id(), generation), written, crc.getValue());
    } catch (IOException | RuntimeException e) {
      deleteTemp();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot commit the body of " + pair.key(), e);
    }
  }

  @Override
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    store.finished(this);
    deleteTemp();
  }

  private void deleteTemp() {
    try {
      channel.close();
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
