package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.StoredPair;

/**
 * What an entry file holds: the pair, the generation of the commit that wrote the file, and where
 * in the file its body is (a region: offset and length) with the body's CRC32C.
 *
 * @param pair the stored pair
 * @param generation tells this commit of the pair from any other
 * @param bodyOffset where the body starts in the entry file
 * @param bodyLength the body's length in bytes
 * @param crc32c the CRC32C of the body
 */
public record Metadata(
    StoredPair pair, long generation, long bodyOffset, long bodyLength, long crc32c) {
  /** Checks the parts. */
  public Metadata {
    requireNonNull(pair, "pair");
    if (bodyOffset < 0 || bodyLength < 0) {
      throw new IllegalArgumentException("negative body offset or length");
    }
  }

  /** This metadata with another pair, the body unchanged. */
  Metadata withPair(StoredPair pair) {
    return new Metadata(pair, generation, bodyOffset, bodyLength, crc32c);
  }

  /** True when both describe the same commit: the same generation and body. */
  boolean sameBody(Metadata other) {
    return generation == other.generation
        && bodyOffset == other.bodyOffset
        && bodyLength == other.bodyLength
        && crc32c == other.crc32c;
  }

  /** Where the body ends and the update slots may start. */
  long bodyEnd() {
    return bodyOffset + bodyLength;
  }
}
