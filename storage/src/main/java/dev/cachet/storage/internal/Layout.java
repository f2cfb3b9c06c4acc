package dev.cachet.storage.internal;

import dev.cachet.core.CacheKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The names of a file storage's files (format version 4). Under the root: the marker file {@value
 * #MARKER} and 16 <em>shard</em> directories, named by the first hex digit of the SHA-256 of a key
 * (few, so that a durable batch of commits forces few directories). In a shard, one file per entry,
 * {@code <sha-256 of the key>.<pair id>} (never named by the URL), holding the pair's metadata, its
 * update slots and its body ({@link EntryCodec}), and one file per partial entry (RFC 9111 §3.3),
 * {@code <sha-256 of the key>.<pair id>.part}, holding its pair and the parts stored ({@link
 * PartCodec}). Files ending in {@value #TEMP_SUFFIX} are writes in progress. A directory named by a
 * whole SHA-256 (64 hex digits) is a key directory of an older format.
 */
public final class Layout {
  /** Marks a directory as a Cachet file storage and carries the process lock. */
  public static final String MARKER = ".cachet-storage";

  static final String TEMP_SUFFIX = ".tmp";

  /** What a partial entry's file name ends with, after the name an entry of its pair would have. */
  static final String PART_SUFFIX = ".part";

  /**
   * The directory of writes in progress, apart from the shards, so that creating a temporary file
   * leaves a shard's time (and the views of it) unchanged: only a commit's rename changes a shard.
   */
  static final String TEMP_DIR = "tmp";

  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final MessageDigest SHA_256 = sha256();
  private static final Pattern SHARD = Pattern.compile("[0-9a-f]");
  private static final Pattern OLD_KEY_DIR = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ENTRY = Pattern.compile("[0-9a-f]{64}\\.(" + UUID_PATTERN + ")");
  private static final Pattern PART =
      Pattern.compile("[0-9a-f]{64}\\.(" + UUID_PATTERN + ")\\.part");

  private Layout() {}

  /** The lower-case hex SHA-256 of a key's UTF-8 value: the start of its entries' file names. */
  public static String keyHash(CacheKey key) {
    MessageDigest sha;
    try {
      // A clone of a digest that never digests: no provider look-up for each of a request's hashes.
      sha = (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("the JDK's SHA-256 can be cloned", e);
    }
    return HexFormat.of().formatHex(sha.digest(key.value().getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** How many shard directories there are. */
  static final int SHARDS = 16;

  /** The shard directory's name of a key hash: its first hex digit. */
  public static String shardName(String keyHash) {
    return keyHash.substring(0, 1);
  }

  /** The shard of a key hash, 0 to {@link #SHARDS} - 1. */
  static int shardOf(String keyHash) {
    return Character.digit(keyHash.charAt(0), 16);
  }

  /** The name of shard {@code i}. */
  static String shardName(int i) {
    return Integer.toHexString(i);
  }

  /** The path of a pair's entry file, relative to the root: {@code <shard>/<key hash>.<id>}. */
  public static String entryPath(CacheKey key, UUID id) {
    String hash = keyHash(key);
    return shardName(hash) + "/" + entryName(hash, id);
  }

  static String entryName(String keyHash, UUID id) {
    return keyHash + "." + id;
  }

  /**
   * The path of a partial entry's file, relative to the root: {@code <shard>/<key hash>.<id>.part}.
   */
  public static String partPath(CacheKey key, UUID id) {
    String hash = keyHash(key);
    return shardName(hash) + "/" + partName(hash, id);
  }

  static String partName(String keyHash, UUID id) {
    return entryName(keyHash, id) + PART_SUFFIX;
  }

  /**
   * A partial entry's file: named for its key hash and pair id, ending in {@value #PART_SUFFIX}.
   */
  static boolean isPart(String name) {
    return PART.matcher(name).matches();
  }

  /**
   * Whether a name in a shard is one of a key's files, an entry or a partial entry, by its shape
   * alone (cheap, for listings; the name is checked against the file's content when read).
   */
  static boolean isKeyFile(String name) {
    return name.length() > 64
        && name.charAt(64) == '.'
        && (name.length() == 101 || (name.length() == 106 && name.endsWith(PART_SUFFIX)));
  }

  /** A temporary file's name beside the entry file it will become: unique, ending in .tmp. */
  static String tempName(String entryName) {
    return entryName
        + "."
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
        + TEMP_SUFFIX;
  }

  /** A fresh generation: a random number that tells one commit of a pair from another. */
  static long newGeneration() {
    return ThreadLocalRandom.current().nextLong();
  }

  static boolean isShard(String name) {
    return SHARD.matcher(name).matches();
  }

  /** A key directory of format versions 1 to 3, dropped whole on open. */
  static boolean isOldKeyDir(String name) {
    return OLD_KEY_DIR.matcher(name).matches();
  }

  static boolean isEntry(String name) {
    return ENTRY.matcher(name).matches();
  }

  /** The pair id an entry file is named for; the name must be an entry's. */
  static UUID idOf(String entryName) {
    return UUID.fromString(entryName.substring(65));
  }

  /** A marker written but not yet linked into place: a creation of the storage under way or cut. */
  static boolean isMarkerTemp(String name) {
    return name.startsWith(MARKER + ".") && name.endsWith(TEMP_SUFFIX);
  }

  static boolean isTemp(String name) {
    return name.endsWith(TEMP_SUFFIX);
  }
}
