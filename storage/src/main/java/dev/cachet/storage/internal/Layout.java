package dev.cachet.storage.internal;

import dev.cachet.core.CacheKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The names of a file storage's files. Under the root: the marker file {@value #MARKER} and one
 * directory per cache key, named by the SHA-256 of the key (never by the URL). In a key directory,
 * per pair: {@code <id>.json} (the metadata, the commit marker) and {@code <id>.<generation>.body}
 * (the body, never modified once committed; new content gets a new generation). Files ending in
 * {@value #TEMP_SUFFIX} are writes in progress.
 */
public final class Layout {
  /** Marks a directory as a Cachet file storage and carries the process lock. */
  public static final String MARKER = ".cachet-storage";

  static final String META_SUFFIX = ".json";
  static final String BODY_SUFFIX = ".body";
  static final String TEMP_SUFFIX = ".tmp";

  private static final Pattern KEY_DIR = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern META =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.json");
  private static final Pattern BODY =
      Pattern.compile(
          "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.[0-9a-f]{16}\\.body");

  private Layout() {}

  /** The directory name of a key: the lower-case hex SHA-256 of its UTF-8 value. */
  public static String keyDirName(CacheKey key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.value().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  static Path keyDir(Path root, CacheKey key) {
    return root.resolve(keyDirName(key));
  }

  static String metaName(UUID id) {
    return id + META_SUFFIX;
  }

  /** A fresh generation: 16 random hex digits. */
  static String newGeneration() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  static String bodyName(UUID id, String generation) {
    return id + "." + generation + BODY_SUFFIX;
  }

  static boolean isKeyDir(String name) {
    return KEY_DIR.matcher(name).matches();
  }

  static boolean isMeta(String name) {
    return META.matcher(name).matches();
  }

  static boolean isBody(String name) {
    return BODY.matcher(name).matches();
  }

  /** True when this body file name belongs to this pair id. */
  static boolean isBodyOf(String name, UUID id) {
    var m = BODY.matcher(name);
    return m.matches() && m.group(1).equals(id.toString());
  }

  /** A marker written but not yet linked into place: a creation of the storage under way or cut. */
  static boolean isMarkerTemp(String name) {
    return name.startsWith(MARKER + ".") && name.endsWith(TEMP_SUFFIX);
  }

  static boolean isTemp(String name) {
    return name.endsWith(TEMP_SUFFIX);
  }
}
