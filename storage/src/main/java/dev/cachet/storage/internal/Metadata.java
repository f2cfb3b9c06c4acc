package dev.cachet.storage.internal;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.StoredPair;

/**
 * What a metadata file holds: the pair, and the name, length and CRC32C of its body file.
 *
 * @param pair the stored pair
 * @param bodyFile the body's file name in the key directory
 * @param bodyLength the body's length in bytes
 * @param crc32c the CRC32C of the body
 */
public record Metadata(StoredPair pair, String bodyFile, long bodyLength, long crc32c) {
  /** Checks the parts. */
  public Metadata {
    requireNonNull(pair, "pair");
    requireNonNull(bodyFile, "bodyFile");
    if (bodyLength < 0) {
      throw new IllegalArgumentException("negative body length");
    }
  }

  /** This metadata with another pair, the body unchanged. */
  Metadata withPair(StoredPair pair) {
    return new Metadata(pair, bodyFile, bodyLength, crc32c);
  }
}
