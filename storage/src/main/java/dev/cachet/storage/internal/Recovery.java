package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.storage.StorageException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * What a file storage does when it opens: it reads every entry file and partial entry's file, keeps
 * the valid ones, and deletes what cannot be served — corrupt, truncated or misnamed entries and
 * partial entries (a partial entry's ranges checked against their checksums when bodies are),
 * entries whose body is cut short or (when checked) of another checksum, stray files, the key
 * directories of older formats, and (when no other storage has the directory open) temporary files.
 */
final class Recovery {
  /** How old a temporary file must be before a shared open deletes it. */
  static final Duration GRACE = Duration.ofMinutes(10);

  private static final System.Logger LOG = FileStore.LOG;

  /** An entry found valid, and its last use (its file's modification time). */
  record Loaded(Path entry, EntryCodec.Read file, long lastAccess) {}

  private final boolean exclusive;
  private final boolean verifyChecksums;
  private int oldFormat;
  private final long now = System.currentTimeMillis();
  private final List<Loaded> loaded = new ArrayList<>();

  private Recovery(boolean exclusive, boolean verifyChecksums) {
    this.exclusive = exclusive;
    this.verifyChecksums = verifyChecksums;
  }

  /**
   * Recovers a storage directory.
   *
   * @param exclusive true when no other storage has the directory open, so files of writes in
   *     progress can only be leftovers of a crash
   */
  static List<Loaded> run(Path root, boolean exclusive, boolean verifyChecksums, OwnerOnly modes)
      throws IOException {
    Recovery r = new Recovery(exclusive, verifyChecksums);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.equals(Layout.MARKER)) {
          continue;
        }
        if (Layout.isMarkerTemp(name)) {
          // A creation of the marker cut between its link and the deletion of its temporary file.
          if (r.unclaimed(p)) {
            Files.deleteIfExists(p);
          }
          continue;
        }
        BasicFileAttributes attributes = attributes(p, modes);
        if (attributes == null) {
          continue;
        }
        if (name.equals(Layout.TEMP_DIR) && attributes.isDirectory()) {
          r.recoverShard(p);
        } else if (Layout.isShard(name) && attributes.isDirectory()) {
          if (attributes instanceof PosixFileAttributes posix) {
            modes.restrict(p, posix);
          }
          r.recoverShard(p);
        } else if (Layout.isOldKeyDir(name) && attributes.isDirectory()) {
          // A key directory of format 1 to 3: never read (version 1 may hold request fields a
          // store no longer keeps), dropped whole.
          r.oldFormat++;
          deleteTree(p);
        } else {
          LOG.log(Level.WARNING, "deleting stray file in the file storage: {0}", p);
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot recover the file storage in " + root, e);
    }
    if (r.oldFormat > 0) {
      LOG.log(
          Level.INFO,
          "dropped {0} file storage keys of an older format (versions 1 to 3, one directory per"
              + " key, never read) in {1}",
          r.oldFormat,
          root);
    }
    return r.loaded;
  }

  /** The attributes of a file itself (a link's, not its target's); null when it is gone. */
  private static @Nullable BasicFileAttributes attributes(Path p, OwnerOnly modes)
      throws IOException {
    try {
      return modes.posix()
          ? Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  private void recoverShard(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Layout.isEntry(name)) {
          Loaded l = load(dir, f);
          if (l != null) {
            loaded.add(l);
          }
        } else if (Layout.isPart(name)) {
          Loaded l = loadPart(dir, f);
          if (l != null) {
            loaded.add(l);
          }
        } else if (Layout.isTemp(name)) {
          if (unclaimed(f)) {
            Files.deleteIfExists(f);
          }
        } else {
          LOG.log(Level.WARNING, "deleting stray file in the file storage: {0}", f);
          deleteTree(f);
        }
      }
    }
  }

  /**
   * Opens a file of an entry or a partial entry to read; null when it is gone, or is a link (never
   * followed) or something else that is not a regular file (then it is deleted).
   */
  private static @Nullable FileChannel openRegular(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        LOG.log(Level.WARNING, "deleting {0}: not a regular file (a link?)", file);
        deleteTree(file);
      }
      return null;
    }
    try {
      return OwnerOnly.open(file);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (FileSystemException notAFile) {
      drop(file, "not a regular file (" + notAFile.getMessage() + ")");
      return null;
    }
  }

  private @Nullable Loaded load(Path dir, Path entry) throws IOException {
    FileChannel ch = openRegular(entry);
    if (ch == null) {
      return null;
    }
    String problem;
    EntryCodec.Read file = null;
    try (ch) {
      file = EntryCodec.read(ch);
      problem = check(dir, entry, file.meta(), ch);
    } catch (MetadataCodec.OldFormat e) {
      oldFormat++;
      Files.deleteIfExists(entry);
      return null;
    } catch (MetadataCodec.Corrupt | EOFException e) {
      problem = "corrupt entry file (" + e.getMessage() + ")";
    }
    if (problem != null) {
      drop(entry, problem);
      return null;
    }
    long lastAccess = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis();
    // Read without a problem, so read.
    return new Loaded(entry, requireNonNull(file, "file"), lastAccess);
  }

  /**
   * A partial entry's file, kept when whole, of its name and shard, and (when checked) its bytes.
   */
  private @Nullable Loaded loadPart(Path dir, Path file) throws IOException {
    FileChannel ch = openRegular(file);
    if (ch == null) {
      return null;
    }
    String problem;
    PartCodec.Part part = null;
    try (ch) {
      part = PartCodec.read(ch);
      String hash = Layout.keyHash(part.pair().key());
      if (!file.getFileName().toString().equals(Layout.partName(hash, part.pair().id()))
          || !dir.getFileName().toString().equals(Layout.shardName(hash))) {
        problem = "it is named for another pair or key";
      } else {
        problem = verifyChecksums ? PartCodec.verify(ch, part) : null;
      }
    } catch (MetadataCodec.Corrupt | EOFException e) {
      problem = "corrupt partial entry (" + e.getMessage() + ")";
    }
    if (problem != null) {
      drop(file, problem);
      return null;
    }
    long lastAccess = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
    return new Loaded(file, requireNonNull(part, "part").asRead(), lastAccess);
  }

  private @Nullable String check(Path dir, Path entry, Metadata meta, FileChannel ch)
      throws IOException {
    String hash = Layout.keyHash(meta.pair().key());
    if (!entry.getFileName().toString().equals(Layout.entryName(hash, meta.pair().id()))) {
      return "it is named for another pair or key";
    }
    if (!dir.getFileName().toString().equals(Layout.shardName(hash))) {
      return "it is in the shard of another key";
    }
    if (verifyChecksums && crc32c(ch, meta.bodyOffset(), meta.bodyLength()) != meta.crc32c()) {
      return "its body's checksum does not match";
    }
    return null;
  }

  private static void drop(Path entry, String why) throws IOException {
    LOG.log(Level.WARNING, "dropping file storage entry {0}: {1}", entry, why);
    Files.deleteIfExists(entry);
  }

  /** True when no live writer can own this file: the storage is alone, or the file is old. */
  private boolean unclaimed(Path f) throws IOException {
    if (exclusive) {
      return true;
    }
    try {
      return now - Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis()
          > GRACE.toMillis();
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  /** The CRC32C of a region of a file. */
  static long crc32c(FileChannel ch, long offset, long length) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate(FileBody.CHUNK);
    long read = 0;
    while (read < length) {
      buf.clear().limit((int) Math.min(buf.capacity(), length - read));
      int n = ch.read(buf, offset + read);
      if (n < 0) {
        throw new EOFException("entry file ends within its body");
      }
      buf.flip();
      crc.update(buf);
      read += n;
    }
    return crc.getValue();
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(p);
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
