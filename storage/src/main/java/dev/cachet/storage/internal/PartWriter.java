package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.ContentRange;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.StorageException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/**
 * Gathers the bytes of one part (RFC 9111 §3.3) and, on commit, has {@link Parts} join it to its
 * partial entry. The part's length is known: one no larger than the store's write buffer is held in
 * memory; a larger one streams to a temporary file in {@value Layout#TEMP_DIR}, deleted once joined
 * or aborted (or, after a crash, on open). Nothing is visible before the join renames the entry's
 * new file into place.
 */
final class PartWriter implements BodyWriter {
  private final FileStore store;
  private final Parts parts;
  private final StoredPair pair;
  private final ContentRange part;
  private final byte @Nullable [] buffer; // null when the part streams to a file
  private Commits.@Nullable Temp raw; // the part's bytes on the disk; null while none
  private long written;
  private boolean done;

  PartWriter(FileStore store, Parts parts, StoredPair pair, ContentRange part, int bufferBytes)
      throws StorageException {
    if (part.length() > store.maximumBytes()) {
      throw new StorageException(
          "part of " + pair.key() + " exceeds the storage bound of " + store.maximumBytes());
    }
    this.store = store;
    this.parts = parts;
    this.pair = pair;
    this.part = part;
    this.buffer = part.length() <= bufferBytes ? new byte[(int) part.length()] : null;
  }

  /** Reads the part's bytes from {@code at} (from the part's start) until {@code into} is full. */
  interface Source {
    void read(long at, ByteBuffer into) throws IOException;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (done) {
      throw new IllegalStateException("the writer is already committed or aborted");
    }
    try {
      store.checkOpen();
      int n = chunk.remaining();
      if (written + n > part.length()) {
        throw new StorageException("more bytes than the part " + part.fieldValue());
      }
      if (buffer != null) {
        chunk.get(buffer, (int) written, n);
      } else {
        if (raw == null) {
          raw = store.commits().createTemp(pair, Layout.keyHash(pair.key()), "part");
        }
        EntryCodec.writeAt(raw.channel(), written, chunk);
      }
      written += n;
    } catch (IOException | RuntimeException e) {
      abort();
      throw e instanceof StorageException se
          ? se
          : new StorageException("cannot write a part of " + pair.key(), e);
    }
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
    try {
      if (written != part.length()) {
        throw new StorageException(
            written + " bytes written for the part " + part.fieldValue() + "; nothing stored");
      }
      store.checkOpen();
      byte[] b = buffer;
      Commits.Temp t = raw;
      if (b != null) {
        parts.join(pair, part, (at, into) -> into.put(b, (int) at, into.remaining()));
        return;
      }
      // A part of at least one byte is either in the buffer or in the temporary file, which was
      // created to be written: its bytes are read through a channel of their own.
      try (FileChannel in = OwnerOnly.open(requireNonNull(t, "the part's file").path())) {
        parts.join(
            pair,
            part,
            (at, into) -> {
              int start = into.position();
              while (into.hasRemaining()) {
                if (in.read(into, at + into.position() - start) < 0) {
                  throw new EOFException("the part's file ends early");
                }
              }
            });
      }
    } finally {
      abort();
    }
  }

  @Override
  public void abort() {
    done = true;
    Commits.Temp t = raw;
    raw = null;
    if (t != null) {
      t.discard();
    }
  }

  @Override
  public void close() {
    if (!done) {
      abort();
    }
  }
}
