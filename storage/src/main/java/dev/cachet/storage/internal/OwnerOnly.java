package dev.cachet.storage.internal;

import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Set;

/**
 * A file storage's files are its owner's alone (checklist SEC-10). Where the file system supports
 * POSIX permissions, files are created {@code 0600} and directories {@code 0700} (the umask can
 * only remove bits), and the root must be owned by the user running the storage and not writable by
 * group or others, or it is refused: whoever can write there could plant entries that would be
 * served (a CRC32C is a checksum, not a signature). Elsewhere (Windows) files get the permissions
 * their directory's access control list gives them, and the root is not checked.
 *
 * <p>Inside the root nothing is reached through a symbolic link: files are opened with {@link
 * LinkOption#NOFOLLOW_LINKS}, and a key directory is checked with {@code lstat} before it is used;
 * a link found in its place is deleted (the link, never its target), and it counts as empty.
 */
final class OwnerOnly {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];
  private static final Set<OpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> READ =
      Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
  private static final Set<OpenOption> UPDATE =
      Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private final boolean posix;
  private final FileAttribute<?>[] fileAttributes;
  private final FileAttribute<?>[] directoryAttributes;

  private OwnerOnly(boolean posix) {
    this.posix = posix;
    this.fileAttributes =
        posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    this.directoryAttributes =
        posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)} : NONE;
  }

  /** The modes for a storage on this path's file system. */
  static OwnerOnly of(Path root) {
    return new OwnerOnly(root.getFileSystem().supportedFileAttributeViews().contains("posix"));
  }

  boolean posix() {
    return posix;
  }

  /** Creates a new file for writing, {@code 0600}; fails if anything (a link too) has the name. */
  FileChannel createFile(Path file) throws IOException {
    return FileChannel.open(file, CREATE, fileAttributes);
  }

  /** Creates a directory, {@code 0700}. */
  void createDirectory(Path dir) throws IOException {
    Files.createDirectory(dir, directoryAttributes);
  }

  /** Creates a directory and its missing parents, each {@code 0700}. */
  void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir, directoryAttributes);
  }

  /**
   * Makes an existing directory of the store {@code 0700} if it is not (one made by an older
   * version); a failure (a directory this user does not own) is logged and the directory used as it
   * is.
   */
  void restrict(Path dir, PosixFileAttributes attributes) {
    if (posix && !attributes.permissions().equals(DIRECTORY)) {
      try {
        Files.setPosixFilePermissions(dir, DIRECTORY);
      } catch (IOException e) {
        FileStore.LOG.log(Level.WARNING, "cannot make {0} its owner''s only: {1}", dir, e);
      }
    }
  }

  /** Opens an existing file to read and write in place, never through a link; never creates one. */
  static FileChannel openForUpdate(Path file) throws IOException {
    return FileChannel.open(file, UPDATE);
  }

  /** Opens a file for reading, never through a link. */
  static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, READ);
  }

  /** Reads a whole (small) file, never through a link. */
  static byte[] readAllBytes(Path file) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file, READ)) {
      long size = ch.size();
      if (size > 16 << 20) {
        throw new FileSystemException(file.toString(), null, "too large for metadata: " + size);
      }
      ByteBuffer b = ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && ch.read(b) >= 0) {
        // Read on: a file is read whole.
      }
      if (b.hasRemaining()) {
        b.flip();
        byte[] shorter = new byte[b.remaining()];
        b.get(shorter);
        return shorter;
      }
      return b.array();
    }
  }

  /** True when this path is a directory itself, not a link to one. */
  static boolean isDirectory(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Refuses a root that another user owns or that group or others may write to, naming the fix.
   * Where POSIX permissions are not supported nothing is checked.
   *
   * @param root the real path of the root
   */
  void checkRoot(Path root) throws IOException {
    if (!posix) {
      return;
    }
    PosixFileAttributes attributes =
        Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    UserPrincipal me = currentUser(root);
    if (me != null && !attributes.owner().equals(me)) {
      throw new StorageException(
          root
              + " is owned by "
              + attributes.owner().getName()
              + ", not by "
              + me.getName()
              + " who runs this FileStorage; refusing to use it (another user could plant"
              + " entries or read them). Use a directory of your own, or make this one yours:"
              + " chown "
              + me.getName()
              + " "
              + root);
    }
    Set<PosixFilePermission> p = attributes.permissions();
    if (p.contains(PosixFilePermission.GROUP_WRITE)
        || p.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new StorageException(
          root
              + " is writable by group or others (mode "
              + PosixFilePermissions.toString(p)
              + "); refusing to use it (another user could plant entries). Fix: chmod 700 "
              + root);
    }
  }

  /**
   * The user this process creates files as: by its name, else (a user with no name, as in some
   * containers) as the owner of a file it creates.
   */
  private static UserPrincipal currentUser(Path root) throws IOException {
    String name = System.getProperty("user.name");
    if (name != null) {
      try {
        return root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name);
      } catch (UserPrincipalNotFoundException unknown) {
        // Probed below.
      }
    }
    Path probe = Files.createTempFile("cachet-owner", ".tmp");
    try {
      return Files.getOwner(probe);
    } finally {
      Files.deleteIfExists(probe);
    }
  }
}
