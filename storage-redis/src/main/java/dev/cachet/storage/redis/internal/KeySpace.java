package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cachet.core.CacheKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The names of the Redis keys one storage uses. Every key of a cache key shares the Redis hash tag
 * {@code {sha256(cache key)}}, so one script may touch them all (and they share a slot on a
 * cluster); the cache key itself, a URL, never appears in a key name.
 *
 * <ul>
 *   <li>{@code <prefix>:{<hash>}:k}: a hash of pair id to the pair's metadata ({@link EntryValue})
 *   <li>{@code <prefix>:{<hash>}:b:<nonce>}: a published body, never changed once published
 *   <li>{@code <prefix>:{<hash>}:w:<nonce>}: a body being written, invisible to readers
 *   <li>{@code <prefix>:{<hash>}:p}: a hash of partial entry id to its metadata ({@link
 *       EntryValue}, its body length the complete length; RFC 9111 §3.3)
 *   <li>{@code <prefix>:{<hash>}:r}: a hash of partial entry id to the byte ranges it holds
 *   <li>{@code <prefix>:{<hash>}:pb:<nonce>}: a partial entry's body, each part written at its
 *       offset
 * </ul>
 */
public final class KeySpace {
  private final String prefix;

  /** The key space under {@code prefix}, which holds no braces. */
  public KeySpace(String prefix) {
    this.prefix = prefix;
  }

  /** The prefix given. */
  public String prefix() {
    return prefix;
  }

  /** The key of the hash that holds the pairs stored under {@code key}. */
  public byte[] entry(CacheKey key) {
    return (base(key) + "k").getBytes(UTF_8);
  }

  /** What a body key of {@code key} starts with; the body's nonce completes it. */
  public byte[] bodyPrefix(CacheKey key) {
    return (base(key) + "b:").getBytes(UTF_8);
  }

  /** The key a body is published under. */
  public byte[] body(CacheKey key, String nonce) {
    return (base(key) + "b:" + nonce).getBytes(UTF_8);
  }

  /** The key a body is written under until it is published. */
  public byte[] temp(CacheKey key, String nonce) {
    return (base(key) + "w:" + nonce).getBytes(UTF_8);
  }

  /** The key of the hash that holds the partial entries stored under {@code key}. */
  public byte[] partial(CacheKey key) {
    return (base(key) + "p").getBytes(UTF_8);
  }

  /** The key of the hash that holds the byte ranges of each partial entry under {@code key}. */
  public byte[] partialRanges(CacheKey key) {
    return (base(key) + "r").getBytes(UTF_8);
  }

  /** What a partial entry's body key starts with; the body's nonce completes it. */
  public byte[] partialBodyPrefix(CacheKey key) {
    return (base(key) + "pb:").getBytes(UTF_8);
  }

  /** The key of a partial entry's body. */
  public byte[] partialBody(CacheKey key, String nonce) {
    return (base(key) + "pb:" + nonce).getBytes(UTF_8);
  }

  /**
   * A {@code SCAN MATCH} pattern for the entry hashes and partial-entry hashes of this storage:
   * what its size counts.
   */
  public String sizedPattern() {
    return escapeGlob(prefix) + ":{*}:[kp]";
  }

  /** A {@code SCAN MATCH} pattern for every key of this storage. */
  public String allPattern() {
    return escapeGlob(prefix) + ":{*}:*";
  }

  private String base(CacheKey key) {
    return prefix + ":{" + hash(key.value()) + "}:";
  }

  static String hash(String value) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(value.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  /** Escapes the characters Redis' glob-style patterns treat as special. */
  static String escapeGlob(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
