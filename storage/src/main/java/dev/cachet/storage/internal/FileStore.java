package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The file store behind {@code FileStorage}, and its lifecycle: it opens (locks and recovers) a
 * directory, wires the parts that carry out the SPI — {@link Reads}, {@link Commits}, {@link
 * Updates}, {@link Removal} (with eviction), {@link Parts}, over the {@link Shards} and the {@link
 * EntryIndex} — and closes it. The files are the truth; the index is what this instance knows of
 * them (size and recency) for the byte bound and least-recently-used eviction. Recency is the entry
 * file's modification time, so it survives a restart.
 */
public final class FileStore implements Storage {
  static final System.Logger LOG = System.getLogger("dev.cachet.storage.FileStorage");

  private final Path root;
  private final long maximumBytes;
  private final boolean durable;
  private final int bufferBytes;
  private final DirectoryLock lock;
  private final EntryIndex index;
  private final Shards shards;
  private final Reads reads;
  private final Commits commits;
  private final Updates updates;
  private final Removal removal;
  private final Parts parts;
  private final Set<FileBodyWriter> writers = ConcurrentHashMap.newKeySet();
  private final AtomicLong forced = new AtomicLong();
  private volatile boolean closed;

  private FileStore(Path root, Settings settings, DirectoryLock lock, OwnerOnly modes) {
    this.root = root;
    this.maximumBytes = settings.maximumBytes();
    this.durable = settings.durable();
    this.bufferBytes = settings.bufferBytes();
    this.index = new EntryIndex(settings.openFiles(), settings.heldBodyBytes());
    this.lock = lock;
    this.shards = new Shards(root);
    this.reads = new Reads(this, shards, index);
    this.commits = new Commits(this, shards, index, modes);
    this.updates = new Updates(this, shards, index);
    this.removal = new Removal(this, shards, index);
    this.parts = new Parts(this, shards, index, bufferBytes);
  }

  /**
   * How a store is opened and runs.
   *
   * @param maximumBytes the byte bound of the entries
   * @param durable whether replacements and removals are forced to the disk
   * @param bufferBytes a writer holds a body of up to this many bytes in memory and writes it to
   *     the disk at commit
   * @param verifyChecksums whether recovery reads every body to check its checksum
   * @param openTimeout how long to wait for another storage that is opening the directory
   * @param openFiles how many entry files are kept open for reading ({@link OpenEntries})
   * @param heldBodyBytes how many bytes of small bodies are held in memory beside their open files
   */
  public record Settings(
      long maximumBytes,
      boolean durable,
      int bufferBytes,
      boolean verifyChecksums,
      Duration openTimeout,
      int openFiles,
      long heldBodyBytes) {}

  /**
   * Opens (creating if needed) a storage directory and recovers it.
   *
   * @throws StorageException if the directory cannot be used, holds files but no marker, or is
   *     still being opened by another storage after the settings' open timeout
   */
  public static FileStore open(Path root, Settings settings) throws IOException {
    OwnerOnly modes = OwnerOnly.of(root);
    DirectoryLock lock = DirectoryLock.acquire(root, modes, settings.openTimeout());
    try {
      List<Recovery.Loaded> loaded =
          Recovery.run(root, lock.alone(), settings.verifyChecksums(), modes);
      lock.share();
      FileStore store = new FileStore(root, settings, lock, modes);
      for (Recovery.Loaded l : loaded) {
        store.index.put(l.entry(), l.file(), l.lastAccess());
      }
      store.evictIfNeeded();
      return store;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The directory of writes in progress. */
  Path tempDir() {
    return root.resolve(Layout.TEMP_DIR);
  }

  long maximumBytes() {
    return maximumBytes;
  }

  boolean durable() {
    return durable;
  }

  /**
   * Forces a directory of the store, its names, to the disk when durable: after a rename that
   * replaced an entry, or a removal's deletions.
   */
  void force(Path dir) {
    if (durable) {
      forced.incrementAndGet();
      syncDirectory(dir);
    }
  }

  /** How many times a directory of the store was forced. */
  long forcedDirectories() {
    return forced.get();
  }

  Reads reads() {
    return reads;
  }

  Commits commits() {
    return commits;
  }

  Removal removal() {
    return removal;
  }

  /** The partial entries (RFC 9111 §3.3, §3.4), which are never written behind their callers. */
  public Parts parts() {
    return parts;
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    return reads.find(key);
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    // No file-system work here: the entry's file is made when the body outgrows the writer's
    // buffer, or at commit.
    FileBodyWriter w = new FileBodyWriter(this, pair, bufferBytes);
    writers.add(w);
    if (closed) {
      w.abort();
    }
    return w;
  }

  /** Called by a writer when it is committed or aborted. */
  void finished(FileBodyWriter w) {
    writers.remove(w);
  }

  /**
   * Commits a pair whose body is in memory without forcing its shard; returns the shard when the
   * commit replaced an entry, which a durable caller forces with {@link #syncShards} (once for a
   * batch of commits), else -1.
   */
  int commitUnforced(StoredPair pair, byte[] body, int length) throws IOException {
    checkOpen();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(body, 0, length);
    return commits.commit(pair, body, length, crc.getValue(), false);
  }

  /**
   * Forces these shard directories, when durable: the group commit of a batch of renames that
   * replaced entries.
   */
  void syncShards(Set<Integer> touched) {
    for (int shard : touched) {
      force(shards.dir(shard));
    }
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    return reads.openBody(pair, null);
  }

  /**
   * The body of the commit this metadata describes: for a pair whose update is pending, the body of
   * the entry it updates. Empty when that commit is gone (replaced or removed).
   */
  Optional<StoredBody> openBody(StoredPair pair, Metadata meta) throws IOException {
    checkOpen();
    return reads.openBody(pair, meta);
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    Metadata current = current(pair);
    return current != null && update(pair, current);
  }

  /** The metadata of the stored entry an update of this pair would update, or null. */
  @Nullable Metadata current(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    try {
      return reads.current(pair);
    } catch (IOException e) {
      throw e instanceof StorageException ? e : new StorageException("cannot update " + pair, e);
    }
  }

  /**
   * Replaces the request, response and times of the entry {@code base} describes, keeping its body;
   * false (nothing written) when the entry is found to be no longer that commit. Written through
   * the file kept open for that commit, an update of an entry another instance has replaced goes
   * into the replaced file, unseen (see {@link Updates}).
   */
  boolean update(StoredPair pair, Metadata base) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    boolean done = updates.update(pair, base);
    evictIfNeeded();
    return done;
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    requireNonNull(key, "key");
    requireNonNull(ids, "ids");
    checkOpen();
    if (!ids.isEmpty()) {
      removal.remove(key, new HashSet<>(ids));
    }
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    removal.remove(key, null);
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return index.total();
  }

  @Override
  public long evictionCount() {
    return removal.evictionCount();
  }

  void evictIfNeeded() {
    removal.evictIfNeeded(maximumBytes);
  }

  @Override
  public void clear() throws IOException {
    checkOpen();
    removal.clear();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    for (FileBodyWriter w : writers) {
      w.abort();
    }
    writeRecency();
    index.open.clear();
    lock.close();
  }

  /**
   * Writes the uses kept in memory (see {@link EntryIndex#touch}) to the entry files' times, so the
   * recency order survives a restart.
   */
  public void writeRecency() {
    for (Map.Entry<Path, EntryIndex.Tracked> e : index.usedSinceWritten()) {
      Reads.touchFile(e.getKey(), e.getValue().lastAccess);
    }
  }

  @Override
  public String toString() {
    return "FileStorage[" + root + ", maximumBytes=" + maximumBytes + "]";
  }

  void checkOpen() throws StorageException {
    if (closed) {
      throw new StorageException("the storage is closed");
    }
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException unsupported) {
      // Some platforms cannot sync a directory; the renames are still atomic.
    }
  }
}
