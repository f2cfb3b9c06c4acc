package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * A partial entry: the parts of one representation a cache has stored from {@code 206} responses
 * (RFC 9111 §3.3), combined as they arrive (§3.4). Its {@link #pair()} holds the response the
 * representation would have when complete: status {@code 200}, the header fields of the latest
 * part, no {@code Content-Range}, and {@code Content-Length} the complete length. Storage keeps the
 * bytes of {@link #present()} under the pair's id, apart from complete pairs: a partial entry is
 * never {@link dev.cachet.core.IdleClient#next found} as a complete response.
 *
 * @param pair the entry's pair, as it will be stored once complete
 * @param present the byte ranges stored
 */
public record PartialEntry(StoredPair pair, ByteRangeSet present) {

  /**
   * Creates the value.
   *
   * @param pair the entry's pair, as it will be stored once complete
   * @param present the byte ranges stored
   * @throws IllegalArgumentException if the pair's response is not a {@code 200} with a {@code
   *     Content-Length}, or a present range lies beyond it
   */
  public PartialEntry {
    requireNonNull(pair, "pair");
    requireNonNull(present, "present");
    if (pair.response().status() != 200
        || pair.response().facts().contentLength().isEmpty()
        || pair.response().facts().contentLength().getAsLong() < 1) {
      throw new IllegalArgumentException(
          "a partial entry's pair is the complete 200 with its Content-Length: " + pair);
    }
    long complete = pair.response().facts().contentLength().getAsLong();
    if (!present.isEmpty()
        && !ByteRangeSet.empty()
            .plus(0, complete)
            .plus(present)
            .equals(ByteRangeSet.empty().plus(0, complete))) {
      throw new IllegalArgumentException("present ranges beyond " + complete + ": " + present);
    }
  }

  /** {@return the length of the whole representation} */
  public long completeLength() {
    return pair.response().facts().contentLength().getAsLong();
  }

  /** {@return whether the stored parts cover the whole representation (§3.4)} */
  public boolean isComplete() {
    return present.coversAll(completeLength());
  }

  /**
   * The complete pair to store once {@link #isComplete()}: the same request, response and times
   * under a new id, with the body the parts make together (P-05).
   *
   * @param newPairId the id of the complete pair
   * @return the complete pair
   * @throws IllegalStateException if the entry is not complete
   */
  public StoredPair asComplete(UUID newPairId) {
    requireNonNull(newPairId, "newPairId");
    if (!isComplete()) {
      throw new IllegalStateException("parts " + present + " of " + completeLength());
    }
    return new StoredPair(
        newPairId,
        pair.key(),
        pair.request(),
        pair.response(),
        pair.requestTime(),
        pair.responseTime(),
        pair.httpVersion());
  }
}
