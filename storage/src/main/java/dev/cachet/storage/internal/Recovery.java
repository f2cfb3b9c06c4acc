package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * What a file storage does when it opens: it reads every metadata file, keeps the valid entries,
 * and deletes what cannot be served — corrupt, truncated or foreign metadata, metadata whose body
 * is missing or of another length or checksum, stray files, and (when no other storage has the
 * directory open) temporary files and bodies no metadata refers to.
 */
final class Recovery {
  /** How old a temporary or unreferenced file must be before a shared open deletes it. */
  static final Duration GRACE = Duration.ofMinutes(10);

  private static final System.Logger LOG = FileStore.LOG;

  /** An entry found valid. */
  record Loaded(Path metaPath, MetadataCodec.Read file, long bytes, long lastAccess) {
    Metadata meta() {
      return file.meta();
    }
  }

  private final boolean exclusive;
  private final boolean verifyChecksums;
  private final OwnerOnly modes;
  private int oldFormat;
  private final long now = System.currentTimeMillis();
  private final List<Loaded> loaded = new ArrayList<>();

  private Recovery(boolean exclusive, boolean verifyChecksums, OwnerOnly modes) {
    this.exclusive = exclusive;
    this.verifyChecksums = verifyChecksums;
    this.modes = modes;
  }

  /**
   * Recovers a storage directory.
   *
   * @param exclusive true when no other storage has the directory open, so files of writes in
   *     progress can only be leftovers of a crash
   */
  static List<Loaded> run(Path root, boolean exclusive, boolean verifyChecksums, OwnerOnly modes)
      throws IOException {
    Recovery r = new Recovery(exclusive, verifyChecksums, modes);
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
        BasicFileAttributes attributes = r.attributes(p);
        if (Layout.isKeyDir(name) && attributes != null && attributes.isDirectory()) {
          if (attributes instanceof PosixFileAttributes posix) {
            // Made by a version that created directories 0755: the owner's only from now on.
            modes.restrict(p, posix);
          }
          r.recoverKeyDir(p);
        } else if (attributes != null) {
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
          "dropped {0} file storage entries of an older format (never read: version 1 may hold"
              + " request fields a store no longer keeps, version 2 knows no update slots) in {1}",
          r.oldFormat,
          root);
    }
    return r.loaded;
  }

  /** The attributes of a file itself (a link's, not its target's); null when it is gone. */
  private @Nullable BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return modes.posix()
          ? Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  private void recoverKeyDir(Path dir) throws IOException {
    List<Path> metas = new ArrayList<>();
    List<Path> bodies = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (Layout.isMeta(name)) {
          metas.add(f);
        } else if (Layout.isBody(name)) {
          bodies.add(f);
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
    Set<String> referenced = new HashSet<>();
    for (Path metaPath : metas) {
      Loaded l = load(dir, metaPath);
      if (l != null) {
        loaded.add(l);
        referenced.add(l.meta().bodyFile());
      }
    }
    for (Path body : bodies) {
      if (!referenced.contains(body.getFileName().toString()) && unclaimed(body)) {
        Files.deleteIfExists(body);
      }
    }
    if (exclusive) {
      try {
        Files.deleteIfExists(dir);
      } catch (DirectoryNotEmptyException kept) {
        // It holds entries.
      }
    }
  }

  private @Nullable Loaded load(Path dir, Path metaPath) throws IOException {
    byte[] bytes;
    try {
      bytes = OwnerOnly.readAllBytes(metaPath);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (FileSystemException notAFile) {
      // A link (never followed) or something else that is not a regular file.
      drop(metaPath, "not a regular file (" + notAFile.getMessage() + ")");
      return null;
    }
    MetadataCodec.Read file;
    try {
      file = MetadataCodec.readFile(bytes);
    } catch (MetadataCodec.OldFormat e) {
      // Its body is deleted below as unreferenced.
      oldFormat++;
      Files.deleteIfExists(metaPath);
      return null;
    } catch (MetadataCodec.Corrupt e) {
      drop(metaPath, "corrupt metadata (" + e.getMessage() + ")");
      return null;
    }
    Metadata meta = file.meta();
    String problem = check(dir, metaPath, meta);
    if (problem == null) {
      long lastAccess = Files.getLastModifiedTime(metaPath).toMillis();
      return new Loaded(metaPath, file, meta.bodyLength() + bytes.length, lastAccess);
    }
    if (problem.equals(MISSING_BODY) && !exclusive) {
      // Another storage may be replacing the pair this very moment; its new metadata is valid.
      return null;
    }
    drop(metaPath, problem);
    if (!problem.equals(NOT_A_FILE)) {
      Files.deleteIfExists(dir.resolve(meta.bodyFile()));
    }
    return null;
  }

  private static final String MISSING_BODY = "its body file is missing";
  private static final String NOT_A_FILE = "its body is not a regular file (a link?)";

  private @Nullable String check(Path dir, Path metaPath, Metadata meta) throws IOException {
    if (!metaPath.getFileName().toString().equals(Layout.metaName(meta.pair().id()))) {
      return "it is named for another pair";
    }
    if (!dir.getFileName().toString().equals(Layout.keyDirName(meta.pair().key()))) {
      return "it is in the directory of another key";
    }
    Path body = dir.resolve(meta.bodyFile());
    long size;
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(body, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        Files.deleteIfExists(body);
        return NOT_A_FILE;
      }
      size = attributes.size();
    } catch (NoSuchFileException e) {
      return MISSING_BODY;
    }
    if (size != meta.bodyLength()) {
      return "its body has " + size + " bytes, not " + meta.bodyLength();
    }
    if (verifyChecksums && crc32c(body) != meta.crc32c()) {
      return "its body's checksum does not match";
    }
    return null;
  }

  private static void drop(Path metaPath, String why) throws IOException {
    LOG.log(Level.WARNING, "dropping file storage entry {0}: {1}", metaPath, why);
    Files.deleteIfExists(metaPath);
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

  static long crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocate(FileBody.CHUNK);
    try (FileChannel ch = OwnerOnly.open(file)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
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
