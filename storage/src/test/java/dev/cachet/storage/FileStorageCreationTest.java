package dev.cachet.storage;

import static dev.cachet.storage.StorageContract.bytes;
import static dev.cachet.storage.StorageContract.pair;
import static dev.cachet.storage.StorageContract.readChunks;
import static dev.cachet.storage.StorageContract.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.internal.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The creation of a store, step by step: the directory, the marker written whole to a temporary
 * file, linked to its name, the temporary file deleted. A kill between any two steps leaves one of
 * the directories built here by hand; the next opening must complete or clean each, never refuse it
 * (a regression test for "holds files but is not a Cachet file storage" after a kill in the first
 * moments of a store), while a directory that holds anything else is still refused.
 */
class FileStorageCreationTest {
  private static final String TEMP = Layout.MARKER + ".0123456789abcdef.tmp";
  private static final String TEXT = "Cachet file storage, format version 4\n";

  @TempDir Path temp;

  private Path root() throws IOException {
    return Files.createDirectory(temp.resolve("store"));
  }

  private static List<String> names(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Opens the directory, checks it is a working store, and that a reopening keeps the entry. */
  private static void assertOpensAsAStore(Path root) throws IOException {
    StoredPair p = pair("http://example.com/first");
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, p, bytes(100, 1));
    }
    assertThat(Files.readString(root.resolve(Layout.MARKER))).isEqualTo(TEXT);
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      assertThat(s.find(p.key())).containsExactly(p);
      assertThat(readChunks(s, p)).contains(bytes(100, 1));
    }
    assertThat(names(root)).contains(Layout.MARKER).noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void killedAfterMakingTheDirectory_opens() throws IOException {
    assertOpensAsAStore(root());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Cachet file", TEXT})
  void killedWhileWritingTheMarkersTemporaryFile_opens(String written) throws IOException {
    Path root = root();
    Files.writeString(root.resolve(TEMP), written);
    assertOpensAsAStore(root);
  }

  @Test
  void killedBetweenLinkingTheMarkerAndDeletingItsTemporaryFile_opens() throws IOException {
    Path root = root();
    Files.writeString(root.resolve(TEMP), TEXT);
    Files.createLink(root.resolve(Layout.MARKER), root.resolve(TEMP));
    assertOpensAsAStore(root);
  }

  @Test
  void severalCutCreations_open() throws IOException {
    Path root = root();
    Files.writeString(root.resolve(TEMP), TEXT);
    Files.writeString(root.resolve(Layout.MARKER + ".fedcba9876543210.tmp"), "Cach");
    assertOpensAsAStore(root);
  }

  @Test
  void anEmptyMarker_leftByAnOlderVersionKilledWhileWritingIt_opens() throws IOException {
    Path root = root();
    Files.write(root.resolve(Layout.MARKER), new byte[0]);
    StoredPair p = pair("http://example.com/first");
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      store(s, p, bytes(100, 1));
    }
    try (FileStorage s = FileStorage.newBuilder(root).build()) {
      assertThat(s.find(p.key())).containsExactly(p);
    }
  }

  @Test
  void aCutCreationBesideAForeignFile_isStillRefusedAndLeftUntouched() throws IOException {
    Path root = root();
    Files.writeString(root.resolve(TEMP), TEXT);
    Files.writeString(root.resolve("notes.txt"), "mine", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FileStorage.newBuilder(root).build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not a Cachet file storage");
    assertThat(names(root)).containsExactly(TEMP, "notes.txt");
  }
}
