package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.CacheKey;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.BodyWriter;
import dev.cachet.storage.Storage;
import dev.cachet.storage.StorageException;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The engine of {@code FileStorage}: the files are the truth, and this instance keeps an index of
 * the entries it knows (size and recency) for the byte bound and least-recently-used eviction.
 *
 * <p>A commit writes the body and then the metadata to temporary files; under the key's lock it
 * moves the body to its final name and the metadata over {@code <id>.json} atomically: that move is
 * the commit. Only then is the replaced body deleted. Committed body files are never modified, so a
 * reader that opened one reads it whole whatever happens after. Recency is the metadata file's
 * modification time, set on every use, so it survives a restart.
 */
public final class FileStore implements Storage {
  static final System.Logger LOG = System.getLogger("dev.cachet.storage.FileStorage");
  private static final int STRIPES = 64;

  private final Path root;
  private final long maximumBytes;
  private final boolean durable;
  private final int bufferBytes;
  private final DirectoryLock lock;
  private final OwnerOnly modes;
  private final EntryIndex index = new EntryIndex();
  private final AtomicLong evictions = new AtomicLong();
  private final Object[] stripes = new Object[STRIPES];
  private final Object evictionLock = new Object();
  private final Set<FileBodyWriter> writers = ConcurrentHashMap.newKeySet();
  private final Map<Path, View> views = new ConcurrentHashMap<>();
  // Per stripe, how many changes this instance made to its key directories.
  private final AtomicLongArray changes = new AtomicLongArray(STRIPES);
  private volatile boolean closed;

  private FileStore(
      Path root,
      long maximumBytes,
      boolean durable,
      int bufferBytes,
      DirectoryLock lock,
      OwnerOnly modes) {
    this.root = root;
    this.modes = modes;
    this.maximumBytes = maximumBytes;
    this.durable = durable;
    this.bufferBytes = bufferBytes;
    this.lock = lock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  /**
   * Opens (creating if needed) a storage directory and recovers it. A writer holds a body of up to
   * {@code bufferBytes} in memory and writes it to the disk at commit.
   *
   * @param openTimeout how long to wait for another storage that is opening the directory
   * @throws StorageException if the directory cannot be used, holds files but no marker, or is
   *     still being opened by another storage after {@code openTimeout}
   */
  public static FileStore open(
      Path root,
      long maximumBytes,
      boolean durable,
      int bufferBytes,
      boolean verifyChecksums,
      Duration openTimeout)
      throws IOException {
    OwnerOnly modes = OwnerOnly.of(root);
    DirectoryLock lock = DirectoryLock.acquire(root, modes, openTimeout);
    try {
      List<Recovery.Loaded> loaded = Recovery.run(root, lock.alone(), verifyChecksums, modes);
      lock.share();
      FileStore store = new FileStore(root, maximumBytes, durable, bufferBytes, lock, modes);
      for (Recovery.Loaded l : loaded) {
        store.index.put(l.metaPath(), l.file(), l.bytes(), l.lastAccess());
      }
      store.evictIfNeeded();
      return store;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  long maximumBytes() {
    return maximumBytes;
  }

  boolean durable() {
    return durable;
  }

  @Override
  public List<StoredPair> find(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    Path dir = Layout.keyDir(root, key);
    int stripe = stripeOf(dir);
    long changesBefore = changes.get(stripe);
    long readAt = System.currentTimeMillis();
    long readAtNanos = System.nanoTime();
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException none) {
      views.remove(dir);
      return List.of();
    } catch (IOException e) {
      throw new StorageException("cannot read the entries of " + key, e);
    }
    if (!attributes.isDirectory()) {
      removeImpostor(dir);
      return List.of();
    }
    View view = views.get(dir);
    if (view != null && view.stillValid(attributes, readAtNanos)) {
      return view.pairs();
    }
    List<StoredPair> pairs = new ArrayList<>(2);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Layout.META_SUFFIX)) {
      for (Path metaPath : files) {
        if (!Layout.isMeta(metaPath.getFileName().toString())) {
          continue;
        }
        Metadata meta = readServable(dir, metaPath);
        if (meta != null && meta.pair().key().equals(key)) {
          pairs.add(meta.pair());
        }
      }
    } catch (NoSuchFileException none) {
      return List.of();
    } catch (IOException e) {
      throw new StorageException("cannot read the entries of " + key, e);
    }
    List<StoredPair> found = List.copyOf(pairs);
    synchronized (stripes[stripe]) {
      // Kept only if this instance changed nothing in the stripe meanwhile: its own change could
      // fall in the same tick of the directory's time as the listing and go unnoticed.
      if (changes.get(stripe) == changesBefore) {
        views.put(dir, View.of(attributes, readAt, readAtNanos, found));
      }
    }
    return found;
  }

  /**
   * The pairs a find read in a key directory, and the directory's identity and modification time
   * just before it listed them. Any change to a directory's entries (a file created, renamed over
   * another or deleted: every commit, update and removal) sets its modification time, so the view
   * holds while the directory's identity and time are those it was read with; touching a metadata
   * file's times does not change the directory's.
   *
   * <p>A file system stamps times with a finite granularity (a clock tick, or a whole second), so a
   * change in the same tick as the one before leaves the same time. A view read at least {@link
   * #settleNanos} after the directory's time cannot miss a later change that way (that change gets
   * a later time); a view read sooner is used for at most {@link #UNSETTLED_MILLIS} and then read
   * again.
   */
  record View(
      Object fileKey,
      FileTime modified,
      long readAtNanos,
      boolean settled,
      List<StoredPair> pairs) {
    /** How long a view read soon after its directory changed may be used. */
    static final long UNSETTLED_MILLIS = 1000;

    /**
     * @param readAt the wall-clock time (the file system's clock) just before the directory was
     *     examined, in milliseconds
     * @param readAtNanos the same moment on {@link System#nanoTime()}, which measures the view's
     *     age even if the wall clock is set back
     */
    static View of(
        BasicFileAttributes attributes, long readAt, long readAtNanos, List<StoredPair> pairs) {
      FileTime modified = attributes.lastModifiedTime();
      long sinceChange = readAt * 1_000_000L - modified.to(TimeUnit.NANOSECONDS);
      return new View(
          attributes.fileKey(), modified, readAtNanos, sinceChange > settleNanos(modified), pairs);
    }

    /**
     * How long after a change its directory's time is sure to differ from a later change's: the
     * timestamp granularity and a clock tick (by which the kernel's coarse clock may lag). Times in
     * whole seconds mean a coarse file system (ext3, HFS+, FAT: up to 2 s), else one of clock
     * ticks.
     */
    static long settleNanos(FileTime modified) {
      long nanos = modified.to(TimeUnit.NANOSECONDS);
      return nanos % 1_000_000_000L == 0 ? 3_000_000_000L : 100_000_000L;
    }

    /** This view with the pair of the same id replaced by this one (updated in place). */
    View withPair(StoredPair pair) {
      List<StoredPair> replaced = new ArrayList<>(pairs.size());
      for (StoredPair p : pairs) {
        replaced.add(p.id().equals(pair.id()) ? pair : p);
      }
      return new View(fileKey, modified, readAtNanos, settled, List.copyOf(replaced));
    }

    boolean stillValid(BasicFileAttributes attributes, long nowNanos) {
      return Objects.equals(fileKey, attributes.fileKey())
          && modified.equals(attributes.lastModifiedTime())
          && (settled || nowNanos - readAtNanos < UNSETTLED_MILLIS * 1_000_000L);
    }
  }

  /**
   * Records that this instance changed a key directory: its view is dropped, and a find that listed
   * the stripe before this call keeps none. Called under the directory's stripe lock once the
   * change is done: a find that read the count before it may have listed during the change, and one
   * that read it after listed what the change left.
   */
  private void changed(Path dir) {
    changes.incrementAndGet(stripeOf(dir));
    views.remove(dir);
  }

  /**
   * Reads a metadata file and checks its body is there with the right length; null when it is gone,
   * or is corrupt (then it is dropped). Learns it into the index.
   */
  private @Nullable Metadata readServable(Path dir, Path metaPath) throws IOException {
    byte[] bytes;
    try {
      bytes = OwnerOnly.readAllBytes(metaPath);
    } catch (NoSuchFileException gone) {
      index.forget(metaPath);
      return null;
    } catch (FileSystemException e) {
      if (!Files.isSymbolicLink(metaPath)) {
        throw e;
      }
      LOG.log(Level.WARNING, "deleting a link in place of file storage metadata {0}", metaPath);
      Files.deleteIfExists(metaPath);
      index.forget(metaPath);
      return null;
    }
    MetadataCodec.Read file;
    try {
      file = MetadataCodec.readFile(bytes);
    } catch (MetadataCodec.Corrupt e) {
      LOG.log(Level.WARNING, "dropping corrupt file storage metadata {0}: {1}", metaPath, e);
      Files.deleteIfExists(metaPath);
      index.forget(metaPath);
      return null;
    }
    Metadata meta = file.meta();
    if (!metaPath.getFileName().toString().equals(Layout.metaName(meta.pair().id()))) {
      LOG.log(Level.WARNING, "dropping misnamed file storage metadata {0}", metaPath);
      Files.deleteIfExists(metaPath);
      index.forget(metaPath);
      return null;
    }
    long size;
    try {
      BasicFileAttributes body =
          Files.readAttributes(
              dir.resolve(meta.bodyFile()), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      size = body.isRegularFile() ? body.size() : -1;
    } catch (NoSuchFileException replacedOrBroken) {
      // Replaced by another storage meanwhile, or broken: not servable either way.
      return null;
    }
    if (size != meta.bodyLength()) {
      drop(metaPath, meta, "body has " + size + " bytes, not " + meta.bodyLength());
      return null;
    }
    index.learn(metaPath, file, meta.bodyLength() + bytes.length);
    return meta;
  }

  /**
   * {@link #readServable} once the key directory is checked to be one: a link in its place is
   * deleted, never read through.
   */
  private @Nullable Metadata readServableIn(Path dir, Path metaPath) throws IOException {
    if (!OwnerOnly.isDirectory(dir)) {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        removeImpostor(dir);
      }
      index.forget(metaPath);
      return null;
    }
    return readServable(dir, metaPath);
  }

  @Override
  public BodyWriter newWriter(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    // No file-system work here: the key directory and the body's file are made when the body
    // outgrows the writer's buffer, or at commit.
    FileBodyWriter w = new FileBodyWriter(this, pair, Layout.keyDir(root, pair.key()), bufferBytes);
    writers.add(w);
    if (closed) {
      w.abort();
    }
    return w;
  }

  /**
   * A file created for writing; {@code inNewDirectory} when its key directory was made for it, so
   * that it held no entry yet.
   */
  record NewFile(FileChannel channel, boolean inNewDirectory) {}

  /**
   * Creates a new file in a key directory for writing, making the directory if it is missing: with
   * one {@code mkdir} first when this instance knows no entry of the pair (a new key, most often),
   * else by opening first and making the directory only if that finds it gone (cleared meanwhile).
   */
  NewFile createFile(Path dir, Path file, StoredPair pair) throws StorageException {
    try {
      boolean made;
      if (index.get(dir.resolve(Layout.metaName(pair.id()))) == null) {
        made = makeDirectory(dir);
      } else {
        made = !OwnerOnly.isDirectory(dir) && makeDirectory(dir);
      }
      try {
        return new NewFile(modes.createFile(file), made);
      } catch (NoSuchFileException clearedMeanwhile) {
        made = makeDirectory(dir);
        return new NewFile(modes.createFile(file), made);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write an entry of " + pair.key(), e);
    }
  }

  /**
   * Makes a key directory ({@code 0700}) if missing; true when it made it. Something else in its
   * place, a link above all, is deleted first: nothing is ever written through a link.
   */
  private boolean makeDirectory(Path dir) throws IOException {
    try {
      modes.createDirectory(dir);
      return true;
    } catch (FileAlreadyExistsException exists) {
      if (OwnerOnly.isDirectory(dir)) {
        return false;
      }
      removeImpostor(dir);
      modes.createDirectory(dir);
      return true;
    } catch (NoSuchFileException rootGone) {
      modes.createDirectories(dir);
      return true;
    }
  }

  /**
   * Deletes what stands in a key directory's place but is not a directory, a link above all (the
   * link, never what it points to); the key then has no entries. Nothing in the store is ever
   * reached through a link.
   */
  private void removeImpostor(Path dir) {
    LOG.log(Level.WARNING, "deleting {0}: not a directory (a link?) in the file storage", dir);
    synchronized (stripe(dir)) {
      if (!OwnerOnly.isDirectory(dir)) {
        deleteQuietly(dir);
      }
      forgetDirectory(dir);
      changed(dir);
    }
  }

  /** Forgets every entry this instance knew in a key directory that turned out not to be one. */
  private void forgetDirectory(Path dir) {
    for (Map.Entry<Path, EntryIndex.Tracked> e : index.leastRecentlyUsedFirst()) {
      if (dir.equals(e.getKey().getParent())) {
        index.forget(e.getKey(), e.getValue());
      }
    }
  }

  /** Throws unless the key directory is a directory itself; a link in its place is deleted. */
  private void requireDirectory(Path dir) throws IOException {
    if (!OwnerOnly.isDirectory(dir) && Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      removeImpostor(dir);
      throw new NoSuchFileException(dir.toString(), null, "not a directory; deleted");
    }
  }

  /** Called by a writer when it is committed or aborted. */
  void finished(FileBodyWriter w) {
    writers.remove(w);
  }

  /**
   * Makes a complete body file visible with its pair; called by the writer's commit. {@code
   * inNewDirectory} when the writer made the key directory, which then held no entry to replace.
   */
  void publish(
      StoredPair pair,
      Path dir,
      Path tempBody,
      String bodyName,
      long length,
      long crc,
      boolean inNewDirectory)
      throws IOException {
    checkOpen();
    Metadata meta = new Metadata(RequestRecord.of(pair), bodyName, length, crc);
    writeMeta(dir, meta, tempBody, inNewDirectory);
    evictIfNeeded();
  }

  /**
   * Writes metadata to a temporary file and moves it over the pair's metadata file, the commit
   * point; then deletes the body the old metadata named, if another. With a new body, moves its
   * temporary file to its name first, under the same lock, so that a removal of the pair cannot
   * delete the body between the two moves and leave metadata without it.
   *
   * <p>Only a commit is forced to the disk when durable; an update (a 304's freshening, RFC 9111
   * §4.3.4) is not: a power cut may lose it, which costs one more revalidation. A process crash
   * loses nothing written (the page cache survives it). Should a power cut leave the renamed file
   * without its data (file systems that do not flush a file renamed over another), the metadata is
   * found corrupt and dropped with its body on the next open: one miss, never a misread entry.
   */
  private void writeMeta(Path dir, Metadata meta, @Nullable Path tempBody, boolean inNewDirectory)
      throws IOException {
    boolean newBody = tempBody != null;
    boolean force = durable && newBody;
    byte[] bytes = MetadataCodec.write(meta);
    Path metaPath = dir.resolve(Layout.metaName(meta.pair().id()));
    Path temp =
        dir.resolve(
            Layout.metaName(meta.pair().id()) + "." + Layout.newGeneration() + Layout.TEMP_SUFFIX);
    try (FileChannel ch = modes.createFile(temp)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      if (force) {
        // Data and length; the name is made durable by the sync of the directory below.
        ch.force(false);
      }
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    synchronized (stripe(dir)) {
      String oldBody = newBody ? bodyFileReplaced(metaPath, inNewDirectory) : null;
      Path body = dir.resolve(meta.bodyFile());
      try {
        if (newBody) {
          Files.move(tempBody, body, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(temp, metaPath, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(temp);
          if (newBody) {
            Files.deleteIfExists(body);
          }
        } finally {
          changed(dir);
        }
        throw e;
      }
      changed(dir);
      if (force) {
        syncDirectory(dir);
      }
      // Set, not left as written: the file system's clock is coarse (a tick of a few ms), and
      // entries written in one tick would lose their order across a restart.
      long now = index.tick();
      touchFile(metaPath, now);
      index.put(
          metaPath,
          new MetadataCodec.Read(meta, bytes.length, MetadataCodec.crc32c(bytes, bytes.length), 0),
          meta.bodyLength() + bytes.length,
          now);
      if (oldBody != null && !oldBody.equals(meta.bodyFile())) {
        deleteQuietly(dir.resolve(oldBody));
      }
    }
  }

  /**
   * The body file of the entry a commit replaces: as this instance knows it; else none when the
   * writer made the key directory (no other instance can have stored this new pair in it, as none
   * has seen it); else as the metadata on the disk names it (for a new pair, one failed open). The
   * index is exact for what this instance wrote; a replacement by another instance since is missed,
   * and its body is left unreferenced for recovery, as with any concurrent replacement by two
   * instances.
   */
  private @Nullable String bodyFileReplaced(Path metaPath, boolean inNewDirectory) {
    EntryIndex.Tracked known = index.get(metaPath);
    if (known != null) {
      return known.meta.bodyFile();
    }
    return inNewDirectory ? null : bodyFileOnDisk(metaPath);
  }

  /** The body file named by the metadata on disk, or null when there is none or it is corrupt. */
  private static @Nullable String bodyFileOnDisk(Path metaPath) {
    try {
      return MetadataCodec.read(OwnerOnly.readAllBytes(metaPath)).bodyFile();
    } catch (IOException | MetadataCodec.Corrupt e) {
      return null;
    }
  }

  @Override
  public Optional<StoredBody> openBody(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    Path dir = Layout.keyDir(root, pair.key());
    Path metaPath = dir.resolve(Layout.metaName(pair.id()));
    EntryIndex.Tracked t = index.get(metaPath);
    Metadata meta = t != null && t.meta.pair().equals(pair) ? t.meta : null;
    if (meta == null) {
      meta = readServableIn(dir, metaPath);
      if (meta == null || !meta.pair().equals(pair)) {
        return Optional.empty();
      }
    }
    return openBody(dir, metaPath, meta);
  }

  /**
   * The body that this metadata names, whatever metadata file names it now: for a pair whose update
   * is pending, the body of the entry it updates. Empty when the body file is gone (the entry was
   * replaced or removed).
   */
  Optional<StoredBody> openBody(StoredPair pair, Metadata meta) throws IOException {
    checkOpen();
    Path dir = Layout.keyDir(root, pair.key());
    return openBody(dir, dir.resolve(Layout.metaName(pair.id())), meta, false);
  }

  private Optional<StoredBody> openBody(Path dir, Path metaPath, Metadata meta) throws IOException {
    return openBody(dir, metaPath, meta, true);
  }

  /**
   * Opens the body this metadata names and marks the entry used; {@code writeUse} false when the
   * use need not reach the metadata file's time (an update about to replace that file).
   */
  private Optional<StoredBody> openBody(Path dir, Path metaPath, Metadata meta, boolean writeUse)
      throws IOException {
    FileChannel ch;
    try {
      // The body is opened without following a link; the directory is checked to be one.
      requireDirectory(dir);
      ch = OwnerOnly.open(dir.resolve(meta.bodyFile()));
    } catch (NoSuchFileException replacedOrRemoved) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot open the body of " + meta.pair().key(), e);
    }
    try {
      long size = ch.size();
      if (size != meta.bodyLength()) {
        ch.close();
        drop(metaPath, meta, "body has " + size + " bytes, not " + meta.bodyLength());
        return Optional.empty();
      }
    } catch (IOException e) {
      ch.close();
      throw new StorageException("cannot open the body of " + meta.pair().key(), e);
    }
    long used = index.touch(metaPath);
    if (used >= 0 && writeUse) {
      touchFile(metaPath, used);
    }
    return Optional.of(
        new FileBody(
            ch,
            meta.bodyLength(),
            meta.crc32c(),
            () -> drop(metaPath, meta, "body checksum or length does not match")));
  }

  private static void touchFile(Path metaPath, long millis) {
    try {
      // Both times given, so the JDK need not read the file's attributes first to keep one.
      FileTime t = FileTime.fromMillis(millis);
      Files.getFileAttributeView(metaPath, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(t, t, null);
    } catch (IOException ignored) {
      // Recency is a hint; a lost touch only makes eviction less exact.
    }
  }

  /** Deletes an entry found corrupt, if its metadata still names this body. */
  private void drop(Path metaPath, Metadata meta, String why) {
    LOG.log(Level.WARNING, "dropping file storage entry {0}: {1}", metaPath, why);
    Path dir = requireNonNull(metaPath.getParent(), "dir");
    synchronized (stripe(dir)) {
      if (meta.bodyFile().equals(bodyFileOnDisk(metaPath))) {
        deleteQuietly(metaPath);
        deleteQuietly(dir.resolve(meta.bodyFile()));
        index.forget(metaPath);
        changed(dir);
      }
    }
  }

  @Override
  public boolean update(StoredPair pair) throws IOException {
    Metadata current = current(pair);
    return current != null && update(pair, current);
  }

  /**
   * The metadata of the stored entry that an update of this pair would update: as this instance
   * knows it (from its last find, commit or update), else as read from the disk; null when there is
   * none (or it is corrupt, and then dropped).
   */
  @Nullable Metadata current(StoredPair pair) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    Path dir = Layout.keyDir(root, pair.key());
    Path metaPath = dir.resolve(Layout.metaName(pair.id()));
    EntryIndex.Tracked t = index.get(metaPath);
    if (t != null && t.meta.pair().key().equals(pair.key())) {
      return t.meta;
    }
    try {
      Metadata meta = readServableIn(dir, metaPath);
      return meta != null && meta.pair().key().equals(pair.key()) ? meta : null;
    } catch (IOException e) {
      throw e instanceof StorageException ? e : new StorageException("cannot update " + pair, e);
    }
  }

  /**
   * Replaces the request, response and times of the entry {@code base} describes, keeping its body;
   * false (nothing written) when the entry is no longer that one: this instance knows another
   * version of it, or its body file is gone (another instance replaced or removed it). So the new
   * headers are only ever written beside the body of the version this instance knows.
   */
  boolean update(StoredPair pair, Metadata base) throws IOException {
    requireNonNull(pair, "pair");
    checkOpen();
    Path dir = Layout.keyDir(root, pair.key());
    Path metaPath = dir.resolve(Layout.metaName(pair.id()));
    try {
      synchronized (stripe(dir)) {
        EntryIndex.Tracked known = index.get(metaPath);
        if (known == null
            ? !base.equals(current(pair))
            : !known.meta.bodyFile().equals(base.bodyFile())) {
          return false;
        }
        if (!OwnerOnly.isDirectory(dir)) {
          // Gone, or replaced by a link, which is never written through.
          if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            removeImpostor(dir);
          }
          return false;
        }
        if (!Files.exists(dir.resolve(base.bodyFile()), LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
        Metadata updated = base.withPair(pair);
        EntryIndex.Tracked now = index.get(metaPath);
        if (now != null && now.baseLength >= 0 && now.meta.bodyFile().equals(base.bodyFile())) {
          InPlace done = updateInPlace(dir, metaPath, now, updated);
          if (done != InPlace.REWRITE) {
            return done == InPlace.WRITTEN;
          }
        }
        writeMeta(dir, updated, null, false);
        return true;
      }
    } catch (IOException e) {
      throw e instanceof StorageException ? e : new StorageException("cannot update " + pair, e);
    }
  }

  /** What an update in place did. */
  private enum InPlace {
    WRITTEN,
    /** The metadata file is gone: the entry was removed or is being replaced. */
    GONE,
    /**
     * Not done: the file is to be rewritten whole (the update is too large for a slot, the file's
     * base is not the one this instance knows, or a link stands in its place).
     */
    REWRITE
  }

  /**
   * Writes an update into the metadata file's next slot ({@link MetadataCodec}), in place: no file
   * created or renamed, so the key directory does not change and every view of it stays valid (this
   * instance's is given the new pair). A slot cut short by a crash fails its checksum and the file
   * reads as before: a lost freshening, never a torn entry. Written into the file that has the
   * metadata's name when it is opened: if another instance replaced the entry since this one read
   * it, the slot describes another body than that file's base and is ignored when read. Called
   * under the directory's stripe lock.
   */
  private InPlace updateInPlace(Path dir, Path metaPath, EntryIndex.Tracked known, Metadata updated)
      throws IOException {
    long seq = known.updateSeq + 1;
    Optional<byte[]> slot = MetadataCodec.slot(updated, seq);
    if (slot.isEmpty()) {
      return InPlace.REWRITE;
    }
    byte[] bytes = slot.get();
    long at = MetadataCodec.slotOffset(known.baseLength, seq);
    try (FileChannel ch = OwnerOnly.openForUpdate(metaPath)) {
      // The file this channel holds must have the base this instance knows: another instance may
      // have rewritten the metadata (same body, another base length) since. Checked through the
      // channel that writes, so a rename over the name meanwhile only sends the update to the
      // replaced file, where it is lost, never into another base.
      ByteBuffer base = ByteBuffer.allocate(known.baseLength + 1);
      while (base.hasRemaining() && ch.read(base, base.position()) >= 0) {
        // Read on: the base and the byte after it.
      }
      byte[] read = base.array();
      boolean sameBase =
          base.position() >= known.baseLength
              && (base.position() == known.baseLength || read[known.baseLength] == 0)
              && MetadataCodec.crc32c(read, known.baseLength) == known.baseCrc;
      if (!sameBase) {
        return InPlace.REWRITE;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      long position = at;
      while (b.hasRemaining()) {
        position += ch.write(b, position);
      }
    } catch (NoSuchFileException gone) {
      index.forget(metaPath, known);
      changed(dir);
      return InPlace.GONE;
    } catch (FileSystemException e) {
      if (Files.isSymbolicLink(metaPath)) {
        return InPlace.REWRITE; // never written through; the rename replaces the link itself
      }
      throw e;
    }
    // The write set the file's time, its recency on the disk.
    long now = index.tick();
    long fileBytes = Math.max(known.bytes - known.meta.bodyLength(), at + bytes.length);
    index.put(
        metaPath,
        new MetadataCodec.Read(updated, known.baseLength, known.baseCrc, seq),
        updated.bodyLength() + fileBytes,
        now);
    // A find listing the directory meanwhile may have read the file before this update: it keeps
    // no view (see changed), and this instance's view, if any, gets the new pair.
    changes.incrementAndGet(stripeOf(dir));
    views.computeIfPresent(dir, (d, v) -> v.withPair(updated.pair()));
    return InPlace.WRITTEN;
  }

  @Override
  public void remove(CacheKey key, Collection<UUID> ids) throws IOException {
    requireNonNull(key, "key");
    requireNonNull(ids, "ids");
    checkOpen();
    if (!ids.isEmpty()) {
      deleteEntries(Layout.keyDir(root, key), new HashSet<>(ids));
    }
  }

  @Override
  public void removeAll(CacheKey key) throws IOException {
    requireNonNull(key, "key");
    checkOpen();
    deleteEntries(Layout.keyDir(root, key), null);
  }

  /**
   * Deletes the entries of these ids (all when null) in a key directory: the metadata files first,
   * so nothing is visible, then their bodies.
   */
  private void deleteEntries(Path dir, @Nullable Set<UUID> ids) throws StorageException {
    synchronized (stripe(dir)) {
      try {
        requireDirectory(dir);
        List<Path> bodies = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (Layout.isMeta(name) && selected(name, ids)) {
              Files.deleteIfExists(f);
              index.forget(f);
            } else if (Layout.isBody(name) && selected(name, ids)) {
              bodies.add(f);
            }
          }
        }
        for (Path b : bodies) {
          Files.deleteIfExists(b);
        }
        if (durable) {
          // Durable means every change survives a power cut, removals included: otherwise an
          // invalidated entry (RFC 9111 §4.4) could come back after a restart.
          syncDirectory(dir);
        }
      } catch (NoSuchFileException nothingStored) {
        // No entries under this key.
      } catch (IOException | DirectoryIteratorException e) {
        throw new StorageException("cannot remove entries in " + dir, e);
      } finally {
        changed(dir);
      }
    }
  }

  private static boolean selected(String fileName, @Nullable Set<UUID> ids) {
    if (ids == null) {
      return true;
    }
    try {
      return ids.contains(UUID.fromString(fileName.substring(0, 36)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return index.total();
  }

  @Override
  public long evictionCount() {
    return evictions.get();
  }

  private void evictIfNeeded() {
    if (index.total() <= maximumBytes) {
      return;
    }
    synchronized (evictionLock) {
      if (index.total() <= maximumBytes) {
        return;
      }
      for (Map.Entry<Path, EntryIndex.Tracked> e : index.leastRecentlyUsedFirst()) {
        if (index.total() <= maximumBytes) {
          break;
        }
        evict(e.getKey(), e.getValue());
      }
    }
  }

  private void evict(Path metaPath, EntryIndex.Tracked t) {
    Path dir = requireNonNull(metaPath.getParent(), "dir");
    synchronized (stripe(dir)) {
      if (index.forget(metaPath, t)) {
        if (!OwnerOnly.isDirectory(dir)) {
          removeImpostor(dir);
          evictions.incrementAndGet();
          return;
        }
        // Another storage may have replaced the entry since: its body goes too.
        String onDisk = bodyFileOnDisk(metaPath);
        deleteQuietly(metaPath);
        deleteQuietly(dir.resolve(t.meta.bodyFile()));
        if (onDisk != null && !onDisk.equals(t.meta.bodyFile())) {
          deleteQuietly(dir.resolve(onDisk));
        }
        changed(dir);
        evictions.incrementAndGet();
      }
    }
  }

  @Override
  public void clear() throws IOException {
    checkOpen();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        if (Layout.isKeyDir(dir.getFileName().toString())) {
          deleteEntries(dir, null);
          try {
            Files.deleteIfExists(dir);
          } catch (DirectoryNotEmptyException inUse) {
            // A write in progress keeps it.
          }
        }
      }
    } catch (IOException e) {
      throw e instanceof StorageException ? e : new StorageException("cannot clear " + root, e);
    }
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
    lock.close();
  }

  /**
   * Writes the uses kept in memory (see {@link EntryIndex#touch}) to the metadata files' times, so
   * the recency order survives a restart.
   */
  public void writeRecency() {
    for (Map.Entry<Path, EntryIndex.Tracked> e : index.usedSinceWritten()) {
      touchFile(e.getKey(), e.getValue().lastAccess);
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

  private Object stripe(Path dir) {
    return stripes[stripeOf(dir)];
  }

  private static int stripeOf(Path dir) {
    return Math.floorMod(dir.getFileName().toString().hashCode(), STRIPES);
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException unsupported) {
      // Some platforms cannot sync a directory; the renames are still atomic.
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "cannot delete {0}: {1}", p, e);
    }
  }
}
