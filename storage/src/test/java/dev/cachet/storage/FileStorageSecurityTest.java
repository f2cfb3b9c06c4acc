package dev.cachet.storage;

import static dev.cachet.storage.StorageContract.bytes;
import static dev.cachet.storage.StorageContract.pair;
import static dev.cachet.storage.StorageContract.readChunks;
import static dev.cachet.storage.StorageContract.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.Headers;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checklist SEC-10: a file storage's files are its owner's alone, hold no request field but those
 * the response's {@code Vary} names (and whether {@code Authorization} was present), and a root
 * another user could write to, or a link planted inside the store, is never trusted.
 */
class FileStorageSecurityTest {
  private static final String TOKEN = "Bearer alice-SECRET-TOKEN";
  private static final String COOKIE = "session=COOKIE-SECRET";
  private static final String API_KEY = "API-KEY-SECRET";
  private static final String VARIED = "gzip-VARIED-VALUE";

  @TempDir Path temp;

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static List<Path> tree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.toList();
    }
  }

  /** A pair whose request carries secrets, one field the response varies on, and an update. */
  private static StoredPair secretPair(String uri) {
    return pair(
        uri,
        Headers.of(
            "Authorization",
            TOKEN,
            "Cookie",
            COOKIE,
            "X-Api-Key",
            API_KEY,
            "Accept-Encoding",
            VARIED),
        "Cache-Control",
        "max-age=60",
        "Vary",
        "Accept-Encoding");
  }

  @Test
  void SEC_10_filesAre0600AndDirectories0700() throws IOException {
    Assumptions.assumeTrue(posix(temp), "the file system has no POSIX permissions");
    Path root = temp.resolve("store");
    try (FileStorage s = FileStorage.newBuilder(root).writeBufferBytes(1024).build()) {
      StoredPair small = pair("http://example.com/small");
      StoredPair large = pair("http://example.com/large");
      store(s, small, bytes(100, 1));
      // Past the write buffer: streamed to a temporary file from the first chunk over it.
      store(s, large, bytes(10_000, 2), 1000);
      s.flush();
      assertThat(
              s.update(
                  small.withResponse(
                      Response.of(200, Headers.of("X", "updated")),
                      small.requestTime(),
                      small.responseTime())))
          .isTrue();
      s.flush();
    }
    List<Path> all = tree(root);
    assertThat(all).hasSizeGreaterThan(5);
    for (Path p : all) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        assertThat(mode(p)).as("directory %s", p).isEqualTo("rwx------");
      } else {
        assertThat(mode(p)).as("file %s", p).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void SEC_10_noRequestFieldValueButTheVaryNamedOnesIsWritten() throws IOException {
    Path root = temp.resolve("store");
    StoredPair p = secretPair("http://example.com/secret");
    StoredPair big = secretPair("http://example.com/secret-big");
    try (FileStorage s = FileStorage.newBuilder(root).writeBufferBytes(1024).build()) {
      store(s, p, bytes(100, 1));
      store(s, big, bytes(5000, 2), 1000);
      s.flush();
      assertThat(
              s.update(
                  p.withResponse(
                      p.response().withHeaders(p.response().headers().with("X", "2")),
                      p.requestTime(),
                      p.responseTime())))
          .isTrue();
    }
    List<String> varied = new ArrayList<>();
    for (Path f : tree(root)) {
      if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(text)
            .as("file %s", f)
            .doesNotContain("alice-SECRET-TOKEN")
            .doesNotContain("COOKIE-SECRET")
            .doesNotContain(API_KEY)
            .doesNotContainIgnoringCase("Cookie")
            .doesNotContainIgnoringCase("X-Api-Key");
        if (text.contains(VARIED)) {
          varied.add(f.getFileName().toString());
        }
      }
    }
    assertThat(varied).as("metadata files keeping the Vary-named field").hasSize(2);

    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      StoredPair found = s.find(p.key()).get(0);
      // RFC 9111 §3.5 needs to know Authorization was there, §4.1 the Vary-named field's value.
      assertThat(found.request().headers().fields())
          .containsExactly(
              new Headers.Field("Authorization", ""), new Headers.Field("Accept-Encoding", VARIED));
      assertThat(found.response().headers().firstValue("X")).contains("2");
      // The caller's own pair, with every field, still reads its body.
      assertThat(readChunks(s, big)).contains(bytes(5000, 2));
    }
  }

  @Test
  void SEC_10_aResponseVaryingOnAuthorization_keepsItsValue_asMatchingNeedsIt() throws IOException {
    Path root = temp.resolve("store");
    StoredPair p =
        pair(
            "http://example.com/per-user",
            Headers.of("Authorization", TOKEN, "Cookie", COOKIE),
            "Vary",
            "authorization");
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, p, bytes(10, 1));
    }
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      assertThat(s.find(p.key()).get(0).request().headers().fields())
          .containsExactly(new Headers.Field("Authorization", TOKEN));
    }
  }

  @Test
  void SEC_10_aRootWritableByOthersIsRefused_namingTheFix() throws IOException {
    Assumptions.assumeTrue(posix(temp), "the file system has no POSIX permissions");
    Path root = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> FileStorage.newBuilder(root).build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("writable by group or others")
        .hasMessageContaining("chmod 700 " + root.toRealPath());
    assertThat(tree(root)).containsExactly(root);
  }

  @Test
  void SEC_10_aForeignOwnedRootIsRefused_andItsPlantedEntryNeverServed() throws IOException {
    Assumptions.assumeTrue(posix(temp), "the file system has no POSIX permissions");
    Object uid = Files.getAttribute(temp, "unix:uid");
    Assumptions.assumeTrue(
        Integer.valueOf(0).equals(uid),
        "making a directory owned by another user needs root (chown); running as uid " + uid);
    Path root = temp.resolve("planted");
    StoredPair forged = pair("http://example.com/bank");
    // Another user prepares a store with an entry of their choosing, marker and all.
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, forged, "attacker's body".getBytes(StandardCharsets.UTF_8));
    }
    UserPrincipal nobody =
        root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
    for (Path p : tree(root)) {
      Files.setOwner(p, nobody);
    }

    assertThatThrownBy(() -> FileStorage.newBuilder(root).build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("is owned by")
        .hasMessageContaining("chown");
    assertThat(root.resolve(Layout.shardName(Layout.keyHash(forged.key())))).isDirectory();
  }

  @Test
  void SEC_10_aKeyDirectoryReplacedByALinkWhileRunning_isNeverFollowed() throws IOException {
    Path root = temp.resolve("store");
    Path elsewhere = temp.resolve("elsewhere");
    StoredPair p = pair("http://example.com/swapped");
    StoredPair forged =
        p.withResponse(
            Response.of(200, Headers.of("X-Forged", "yes")), p.requestTime(), p.responseTime());
    // The forged entry: the same pair id and key, other headers and body.
    try (FileStorage other = FileStorage.newBuilder(elsewhere).build()) {
      store(other, forged, "forged".getBytes(StandardCharsets.UTF_8));
    }
    Path forgedDir = elsewhere.resolve(Layout.shardName(Layout.keyHash(p.key())));
    List<Path> forgedFiles = tree(forgedDir);

    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, p, "genuine".getBytes(StandardCharsets.UTF_8));
      s.flush();
      assertThat(s.find(p.key())).containsExactly(p);
      Path keyDir = root.resolve(Layout.shardName(Layout.keyHash(p.key())));

      // Swapped for a link to the forged entry: neither read nor listed through.
      deleteTree(keyDir);
      Files.createSymbolicLink(keyDir, forgedDir);
      assertThat(s.openBody(forged)).isEmpty();
      assertThat(Files.exists(keyDir, LinkOption.NOFOLLOW_LINKS)).as("link deleted").isFalse();

      Files.createSymbolicLink(keyDir, forgedDir);
      assertThat(s.find(p.key())).isEmpty();
      assertThat(Files.exists(keyDir, LinkOption.NOFOLLOW_LINKS)).as("link deleted").isFalse();

      // Nor written through, by an update or a commit.
      Files.createSymbolicLink(keyDir, forgedDir);
      s.update(p); // true or false: written behind the caller
      s.flush();
      assertThat(Files.exists(keyDir, LinkOption.NOFOLLOW_LINKS)).as("link deleted").isFalse();
      Files.createSymbolicLink(keyDir, forgedDir);
      StoredPair again = pair("http://example.com/swapped");
      store(s, again, "new".getBytes(StandardCharsets.UTF_8));
      s.flush();
      assertThat(Files.isSymbolicLink(keyDir)).isFalse();
      assertThat(s.find(p.key())).containsExactly(again);
      assertThat(readChunks(s, again)).contains("new".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(tree(forgedDir)).as("the link's target untouched").isEqualTo(forgedFiles);
    try (FileStorage other = FileStorage.newBuilder(elsewhere).build()) {
      assertThat(readChunks(other, forged)).contains("forged".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void SEC_10_aLinkPlantedInTheStore_isDeletedOnOpen_notFollowed() throws IOException {
    Path root = temp.resolve("store");
    Path elsewhere = temp.resolve("elsewhere");
    StoredPair p = pair("http://example.com/planted");
    try (FileStorage other = FileStorage.newBuilder(elsewhere).build()) {
      store(other, p, "forged".getBytes(StandardCharsets.UTF_8));
    }
    Path forgedDir = elsewhere.resolve(Layout.shardName(Layout.keyHash(p.key())));
    List<Path> forgedFiles = tree(forgedDir);
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, pair("http://example.com/other"), bytes(10, 1));
    }
    Files.createSymbolicLink(root.resolve(Layout.shardName(Layout.keyHash(p.key()))), forgedDir);

    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.openBody(p)).isEmpty();
    }
    assertThat(
            Files.exists(
                root.resolve(Layout.shardName(Layout.keyHash(p.key()))), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    assertThat(tree(forgedDir)).isEqualTo(forgedFiles);
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> deepestFirst = new ArrayList<>(tree(dir));
    Collections.reverse(deepestFirst);
    for (Path f : deepestFirst) {
      Files.delete(f);
    }
  }
}
