package dev.cachet.storage;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.FileStore;
import dev.cachet.storage.internal.RangeBodies;
import dev.cachet.storage.internal.RequestRecord;
import dev.cachet.storage.internal.WriteBehind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Storage} in a directory of the filesystem, which survives restarts and crashes.
 *
 * <p>Under the root there are 16 shard directories, and in them one file per stored pair, named by
 * the SHA-256 of its key (never by the URL) and the pair's id: a header (format version 4, the
 * body's offset, length and CRC32C, and a CRC32C of the header and the metadata), the metadata as
 * JSON (the response's header fields, of the request only the fields the response's {@code Vary}
 * names and whether it carried {@code Authorization}, and the times), the body, and two update
 * slots. Where the file system has POSIX permissions, files are {@code 0600} and directories {@code
 * 0700}, and a root owned by another user or writable by group or others is refused; nothing inside
 * the root is reached through a symbolic link. A write holds a small body in memory and writes it
 * at commit (starting a write costs no file-system call); a body larger than {@link
 * Builder#writeBufferBytes(int)} streams to a temporary file. Commit renames the complete entry
 * file over its name, atomically, which is the moment it becomes visible: a new key costs one file
 * creation and one rename. A 304's update is written in place into one of the two checksummed
 * update slots, so it creates no file and leaves the shard unchanged; a write of a slot cut short
 * is ignored when read. A crash at any instant leaves the old entry or the new one, never a torn
 * one. With {@link Builder#durable(boolean)} on (the default) the shard directory is forced after
 * every commit that replaces an entry (once for a batch of commits written behind their callers)
 * and every removal, so a power cut never brings back a replaced or removed entry. A new entry's
 * name is not forced, nor is any entry file's data: a power cut may lose a new entry, or leave it
 * without its data, when it fails its checksums and is dropped on open (a miss). A 304's update is
 * not forced (a power cut may lose it, which costs one more revalidation). The commit of a small
 * body is carried out behind its caller ({@link Builder#writeBehindBytes(long)}): the pair is this
 * storage's at once, served from memory until it is on the disk, where other instances see it.
 * {@link #close()} writes what is pending; a program that ends without closing the storage (its
 * {@code main} returns, or it calls {@code System.exit}) has its exit wait for those writes, for up
 * to 10 seconds, in a shutdown hook; only a kill or a crash loses them (never leaving a torn
 * entry).
 *
 * <p>Partial entries (RFC 9111 §3.3, §3.4) are kept too, one file per entry beside the key's
 * entries ({@code <key hash>.<pair id>.part}: a checksummed header, the pair, a table of the byte
 * ranges held with a CRC32C each, and their bytes). A part's commit writes the entry's whole new
 * file, the ranges held before joined with the part's, and renames it over the name, so readers see
 * the entry before or after, never torn; a range read checks the CRC32C of the stored range that
 * holds it before its last byte is handed out. Part files count against the bound and are evicted
 * like entries, and go with their key's removal.
 *
 * <p>Opening recovers the directory: temporary files are deleted, and an entry file that is
 * corrupt, cut short, of an unknown format version, or whose body's checksum does not match (of a
 * partial entry's file, any range's), is logged and deleted, never served; a store of an older
 * format (a directory per key) is emptied. Reading a body checks its checksum at the end and fails
 * the read with a {@link StorageException} (and drops the entry) on a mismatch.
 *
 * <p>The total bytes (entry files) are bounded with least-recently-used eviction; recency is kept
 * as the entry files' modification times, so the bound and the order survive a restart. Several
 * instances, in one or more processes, may share a directory: none ever reads a torn entry. The
 * layout and its guarantees are described in the module's {@code README.md}.
 *
 * <pre>{@code
 * Storage storage = FileStorage.newBuilder(Path.of("/var/cache/myapp/http"))
 *     .maximumBytes(512L << 20)
 *     .build();
 * }</pre>
 */
public final class FileStorage implements Storage {
  /** How long the JVM's exit waits for commits still written behind their callers. */
  static final Duration EXIT_FLUSH = Duration.ofSeconds(10);

  private static final AtomicInteger HOOKS = new AtomicInteger();

  private final FileStore store;
  private final @Nullable WriteBehind behind; // null when every commit is carried out by its caller
  private final Storage front; // the write-behind storage over the store, else the store
  private final @Nullable Thread exitHook;

  private FileStorage(FileStore store, @Nullable WriteBehind behind) {
    this.store = store;
    this.behind = behind;
    this.front = behind != null ? behind : store;
    // A program that ends without closing the storage (main returns, System.exit) keeps what it
    // committed: the writer threads are daemons and stop with the JVM, so its exit waits for them,
    // within a bound. close() removes the hook.
    Thread hook = new Thread(this::atExit, "cachet-file-exit-" + HOOKS.incrementAndGet());
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException exiting) {
      hook = null; // Built while the JVM exits: nothing would run the hook.
    }
    this.exitHook = hook; // null when none
  }

  /**
   * Run as the JVM exits without {@link #close()}: writes the commits still pending (for at most
   * {@link #EXIT_FLUSH}) and the recency kept in memory. The directory's locks go with the process.
   */
  private void atExit() {
    if (behind != null) {
      int left = behind.settleAll(EXIT_FLUSH);
      if (left > 0) {
        System.getLogger(FileStorage.class.getName())
            .log(
                System.Logger.Level.WARNING,
                "the JVM exits with {0} commits of {1} not yet on the disk after {2}; they are"
                    + " lost, as in a crash (never torn)",
                left,
                store,
                EXIT_FLUSH);
      }
    }
    store.writeRecency();
  }

  /**
   * {@return A builder for a storage in this directory, created when it does not exist}
   *
   * @param root the storage's directory
   * @throws NullPointerException if root is null
   */
  public static Builder newBuilder(Path root) {
    return new Builder(requireNonNull(root, "root"));
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    try {
      return front.find(key);
    } catch (DirectoryIteratorException e) {
      // A DirectoryIteratorException always has its IOException as the cause.
      throw new StorageException(
          "cannot list the entries of " + key, requireNonNull(e.getCause(), "cause"));
    }
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    StoredPair kept = RequestRecord.of(requireNonNull(pair, "pair"));
    return front.newWriter(kept);
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    StoredPair kept = RequestRecord.of(requireNonNull(pair, "pair"));
    return front.openBody(kept);
  }

  // A range is read from its position in the entry file (the body's offset there plus offset),
  // or as a view of a body still pending behind its caller: never the bytes before it. Of a
  // partial entry, from the part's file, when those bytes are present.
  @Override
  public Optional<StoredBody> openBody(StoredPair pair, long offset, long length)
      throws IOException {
    RangeBodies.check(offset, length);
    Optional<StoredBody> whole = openBody(pair);
    if (whole.isEmpty()) {
      return store.parts().open(RequestRecord.of(pair), offset, length);
    }
    return Optional.of(RangeBodies.slice(whole.get(), offset, length));
  }

  /**
   * True: partial entries (RFC 9111 §3.3, §3.4) are kept in files of their own beside the key's
   * entries, and count against the bound.
   */
  @Override
  public boolean keepsPartialEntries() {
    return true;
  }

  @Override
  public List<PartialEntry> findPartial(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    try {
      return store.parts().find(key);
    } catch (DirectoryIteratorException e) {
      throw new StorageException(
          "cannot list the partial entries of " + key, requireNonNull(e.getCause(), "cause"));
    }
  }

  /**
   * Starts storing a part of a partial entry (RFC 9111 §3.3). The part is held in memory when no
   * larger than {@link Builder#writeBufferBytes(int)}, else streamed to a temporary file; its
   * commit, on the caller's thread (never written behind), writes the entry's new file, holding the
   * ranges stored before and the part's, and renames it into place (forcing the shard when
   * durable).
   */
  @Override
  public BodyWriter newPartWriter(StoredPair pair, ContentRange part) throws IOException {
    requireNonNull(pair, "pair");
    requireNonNull(part, "part");
    MemoryStorage.checkEntry(pair, part);
    return store.parts().newWriter(RequestRecord.of(pair), part);
  }

  /**
   * Replaces a stored pair's request, response and times, keeping its body (RFC 9111 §4.3.4),
   * written in place into the metadata file's next update slot (or, when too large for one, as
   * whole new metadata); other instances see it when they next list the key. The entry updated is
   * the one this storage knows, and the new metadata is only ever written beside that entry's body:
   * when another instance has replaced or removed it meanwhile, nothing is written into the other
   * version. Written through the file this storage keeps open for that entry, such an update goes
   * into the replaced file and is lost, as a crash would lose it, and true is returned; else false.
   * With write-behind ({@link Builder#writeBehindBytes(long)}) the update is this storage's at once
   * and written to the disk behind the caller, within a second, and a later update of the pair made
   * while it still waits replaces it unwritten.
   */
  @Override
  public boolean update(StoredPair pair) throws IOException {
    StoredPair kept = RequestRecord.of(requireNonNull(pair, "pair"));
    return front.update(kept);
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    front.remove(key, ids);
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    front.removeAll(key);
  }

  /**
   * Waits until every pair committed so far is on the disk (its replacements forced to it when
   * durable, see {@link Builder#durable(boolean)}), where other instances sharing the directory see
   * it. Commits of small bodies are carried out behind their callers (see {@link
   * Builder#writeBehindBytes(long)}); this storage sees them at once either way.
   *
   * @throws java.io.InterruptedIOException if interrupted while waiting
   */
  public void flush() throws IOException {
    if (behind != null) {
      behind.settleAll();
    }
  }

  /**
   * True when the commit of a body of this many bytes is carried out behind the caller (see {@link
   * Builder#writeBehindBytes(long)}): write-behind is on and the length is known and within {@link
   * Builder#writeBufferBytes(int)}. The commit then returns without waiting for the disk, unless
   * the backlog is full, when the caller is slowed to the disk's pace.
   *
   * @param length the body's length in bytes, or -1 when unknown
   * @return true when the commit is carried out behind the caller
   */
  @Override
  public boolean commitIsCheap(long length) {
    return front.commitIsCheap(length);
  }

  /**
   * Whether the commit of a body of this many bytes returns without waiting for the disk: the same
   * as {@link #commitIsCheap(long)}, which every {@link Storage} answers and new code should use.
   * Kept while callers move to it; it will be removed (it is not marked deprecated yet, since
   * deprecation warnings fail builds that still call it).
   *
   * @param bodyBytes the body's length in bytes
   * @return whether the commit returns without waiting for the disk
   */
  public boolean commitsBehind(long bodyBytes) {
    return commitIsCheap(bodyBytes);
  }

  /**
   * {@return how many commits carried out behind their callers have failed (each logged); their
   * pairs were dropped, as if evicted}
   */
  public long writeBehindFailures() {
    return behind == null ? 0 : behind.failures();
  }

  /**
   * The bytes of the bodies and metadata files this instance knows of, once the commits pending now
   * are on the disk (this waits for them, see {@link #flush()}).
   */
  @Override
  public long size() throws IOException {
    return front.size();
  }

  @Override
  public long evictionCount() {
    return front.evictionCount();
  }

  /** Deletes every entry; writes in progress are left to commit or abort. */
  @Override
  public void clear() throws IOException {
    try {
      front.clear();
    } catch (DirectoryIteratorException e) {
      throw new StorageException(
          "cannot list the entries to clear", requireNonNull(e.getCause(), "cause"));
    }
  }

  /**
   * Writes what is pending to the disk and releases the directory; the files stay for the next
   * storage that opens it.
   */
  @Override
  public void close() throws IOException {
    try {
      front.close();
    } finally {
      try {
        if (exitHook != null) {
          Runtime.getRuntime().removeShutdownHook(exitHook);
        }
      } catch (IllegalStateException exiting) {
        // Closed by another exit hook: this one runs too, and finds nothing left to write.
      }
    }
  }

  @Override
  public String toString() {
    return store.toString();
  }

  /**
   * Configures a {@link FileStorage}. Setters validate at once; {@link #build()} may be called
   * again.
   */
  public static final class Builder {
    private final Path root;
    private long maximumBytes = -1;
    private @Nullable Boolean durable;
    private @Nullable Boolean verifyChecksumsOnOpen;
    private int writeBufferBytes = -1;
    private long writeBehindBytes = -1;
    private @Nullable Duration openTimeout;
    private int openFiles = -1;
    private long heldBodyBytes = -1;

    private Builder(Path root) {
      this.root = root;
    }

    /**
     * The bound on the bytes of all bodies and metadata files (default 256 MiB).
     *
     * @param maximumBytes the bound in bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder maximumBytes(long maximumBytes) {
      if (maximumBytes <= 0) {
        throw new IllegalArgumentException("maximumBytes must be positive: " + maximumBytes);
      }
      if (this.maximumBytes != -1) {
        throw new IllegalStateException("maximumBytes was already set");
      }
      this.maximumBytes = maximumBytes;
      return this;
    }

    /**
     * Whether replacements and removals force the shard directory to the disk (default true): a
     * commit that replaces an entry after its rename (a batch of commits written behind their
     * callers once for the batch, see {@link #writeBehindBytes(long)}), a removal after its
     * deletions, so that a power cut never brings back a replaced or removed entry. A new entry's
     * name is not forced, nor is an entry file's data: a power cut may lose a new entry, or leave
     * one without its data, which fails its checksums and is dropped on open (a miss either way;
     * forcing the name alone would keep only a file whose data may not be there). Off, a crash of
     * the process still leaves no torn entry, but a crash of the machine may also bring back
     * replaced or removed entries. Updates ({@link FileStorage#update}, a 304's freshening) are
     * never forced: a power cut may lose one, which costs one more revalidation, never a torn
     * entry.
     *
     * @param durable false to let commits return before the disk has them
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder durable(boolean durable) {
      if (this.durable != null) {
        throw new IllegalStateException("durable was already set");
      }
      this.durable = durable;
      return this;
    }

    /**
     * Whether opening reads every body to check its CRC32C against the metadata (default true).
     * Off, opening checks lengths only, and a mismatch is found when the body is read.
     *
     * @param verify false to trust the bodies' lengths alone
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder verifyChecksumsOnOpen(boolean verify) {
      if (this.verifyChecksumsOnOpen != null) {
        throw new IllegalStateException("verifyChecksumsOnOpen was already set");
      }
      this.verifyChecksumsOnOpen = verify;
      return this;
    }

    /**
     * How many bytes of a body a writer holds in memory (default 64 KiB). A body no larger is
     * written to the disk only at commit, in one go, so starting a write costs no file-system call
     * and an aborted one leaves no trace; a larger body streams to a temporary file from the chunk
     * that passes this size on. Each writer in progress holds at most this much. Zero streams every
     * body to a file from its first chunk.
     *
     * @param writeBufferBytes the bytes held in memory, 0 or more
     * @return this builder
     * @throws IllegalArgumentException if negative or over 16 MiB
     * @throws IllegalStateException if already set
     */
    public Builder writeBufferBytes(int writeBufferBytes) {
      if (writeBufferBytes < 0 || writeBufferBytes > 16 << 20) {
        throw new IllegalArgumentException(
            "writeBufferBytes must be between 0 and 16 MiB: " + writeBufferBytes);
      }
      if (this.writeBufferBytes != -1) {
        throw new IllegalStateException("writeBufferBytes was already set");
      }
      this.writeBufferBytes = writeBufferBytes;
      return this;
    }

    /**
     * How many bytes of committed bodies may wait in memory for the disk (default 16 MiB). The
     * commit of a body no larger than {@link #writeBufferBytes(int)} makes its pair visible to this
     * storage at once and leaves the file work (writing, forcing when {@link #durable(boolean)
     * durable}, renaming into place) to a background thread, so a caller does not wait for the
     * disk; {@link FileStorage#flush()} and {@link FileStorage#close()} wait for it. The on-disk
     * protocol is the same, so a crash never leaves a torn entry; it may lose pairs still waiting,
     * as a crash before their commit would. When this much is waiting, a commit waits until its
     * batch is on the disk, so callers go at the disk's pace. Zero carries out every commit on its
     * caller's thread.
     *
     * @param writeBehindBytes the bytes that may wait, 0 to carry out every commit on its caller
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder writeBehindBytes(long writeBehindBytes) {
      if (writeBehindBytes < 0) {
        throw new IllegalArgumentException(
            "writeBehindBytes must not be negative: " + writeBehindBytes);
      }
      if (this.writeBehindBytes != -1) {
        throw new IllegalStateException("writeBehindBytes was already set");
      }
      this.writeBehindBytes = writeBehindBytes;
      return this;
    }

    /**
     * How long {@link #build()} waits for another storage, in this JVM or another process, that is
     * opening the same directory (default 1 minute). Openings are serialised while each recovers
     * the directory; an instance that stops while opening (a frozen process, a recovery stuck on
     * the disk) would otherwise make every later opening wait forever. Storages that have the
     * directory open never make an opening wait: they share it.
     *
     * @param timeout how long to wait, positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder openTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("openTimeout must not be negative: " + timeout);
      }
      if (this.openTimeout != null) {
        throw new IllegalStateException("openTimeout was already set");
      }
      this.openTimeout = timeout;
      return this;
    }

    /**
     * How many entry files are kept open for reading (by default a sixteenth of the process's limit
     * on open files, at most 4,096; 256 where the limit cannot be read), as nginx's {@code
     * open_file_cache} keeps descriptors: a body read again from a file kept open costs one
     * positioned read instead of a look-up, an open, a header read and a close. A file is kept for
     * the one commit it holds and let go of when this storage removes or replaces the entry (one
     * replaced by another instance is a new commit, opened anew); the least recently used is closed
     * first. Zero keeps none.
     *
     * @param openFiles how many files, 0 for none
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder openFiles(int openFiles) {
      if (openFiles < 0) {
        throw new IllegalArgumentException("openFiles must not be negative: " + openFiles);
      }
      if (this.openFiles != -1) {
        throw new IllegalStateException("openFiles was already set");
      }
      this.openFiles = openFiles;
      return this;
    }

    /**
     * How many bytes of small bodies (up to 16 KiB each) are held in memory beside the entry files
     * kept open ({@link #openFiles(int)}), by default 8 MiB: a body read whole from its file and
     * checked against its CRC32C is held with it, so that reading it again costs no read of the
     * disk. A held body is that of one commit and goes with its file: when this storage removes or
     * replaces the entry, when the file is closed as the least recently used, or when newer bodies
     * need the room (the least recently used let go of first). Damage to a file's body on the disk
     * after its body was held is found once the body is read from the disk again. Zero holds none.
     *
     * @param heldBodyBytes how many bytes, 0 for none
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder heldBodyBytes(long heldBodyBytes) {
      if (heldBodyBytes < 0) {
        throw new IllegalArgumentException("heldBodyBytes must not be negative: " + heldBodyBytes);
      }
      if (this.heldBodyBytes != -1) {
        throw new IllegalStateException("heldBodyBytes was already set");
      }
      this.heldBodyBytes = heldBodyBytes;
      return this;
    }

    /** A sixteenth of the process's limit on open files, at most 4,096; 256 when unknown. */
    private static int defaultOpenFiles() {
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
        long limit = unix.getMaxFileDescriptorCount();
        return limit > 0 ? (int) Math.min(4096, limit / 16) : 256;
      }
      return 256;
    }

    /**
     * Opens the directory, creating it if needed, and recovers it.
     *
     * @return the storage, open
     * @throws StorageException if the directory cannot be used, or holds files that are not a
     *     Cachet file storage (it is never cleaned then), or another storage is still opening it
     *     after {@link #openTimeout(Duration)}
     * @throws java.io.InterruptedIOException if interrupted while waiting for another opening
     * @throws IOException if the directory cannot be read
     */
    public FileStorage build() throws IOException {
      int buffer = writeBufferBytes == -1 ? 64 << 10 : writeBufferBytes;
      long pending = writeBehindBytes == -1 ? 16L << 20 : writeBehindBytes;
      FileStore store =
          FileStore.open(
              root,
              new FileStore.Settings(
                  maximumBytes == -1 ? 256L << 20 : maximumBytes,
                  durable == null || durable,
                  buffer,
                  verifyChecksumsOnOpen == null || verifyChecksumsOnOpen,
                  openTimeout == null ? Duration.ofMinutes(1) : openTimeout,
                  openFiles == -1 ? defaultOpenFiles() : openFiles,
                  heldBodyBytes == -1 ? 8L << 20 : heldBodyBytes));
      WriteBehind behind =
          pending == 0 || buffer == 0 ? null : new WriteBehind(store, buffer, pending);
      return new FileStorage(store, behind);
    }
  }
}
