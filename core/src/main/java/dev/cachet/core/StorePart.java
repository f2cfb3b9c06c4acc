package dev.cachet.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Terminal: store the origin's {@code 206} as a part of a partial entry (P-04, RFC 9111 §3.3),
 * combined with the parts already stored for the same representation (P-05, §3.4), and return the
 * {@code 206} to the caller. Reached from {@link CacheMiss#next(Response, java.time.Instant,
 * java.time.Instant, java.util.UUID, List)} when {@link CacheOptions#partialContent()} is on: the
 * terminal outcome of that partial-aware step only, so a caller of the other steps never meets it.
 *
 * <p>The I/O side writes the {@code 206}'s body as the bytes {@link #part()} of the entry {@link
 * #pair()} (its id names the entry: an existing one when combining, a new one otherwise), and
 * commits only when exactly {@code part().length()} bytes arrived (S3-10); committing adds the
 * range to the entry's present ranges and makes {@code pair()}'s header fields the entry's. Then it
 * removes {@link #replaced()} (parts of another representation of the same variant). When the entry
 * it found afterwards {@linkplain PartialEntry#isComplete() is complete}, it stores {@link
 * PartialEntry#asComplete} with the entry's bytes as a complete pair and removes the entry.
 *
 * @param options the machine's options
 * @param pair the entry's pair: the complete {@code 200} the representation will be, stored form
 * @param part the bytes of the representation the {@code 206} carries
 * @param combinedWith the stored entry this part joins, when it is the same representation
 * @param replaced stored partial entries of this variant with another representation, to remove
 * @param completes whether the entry will hold the whole representation once this part is stored
 * @param response the {@code 206} to return to the caller, without hop-by-hop fields
 * @param status the {@code Cache-Status} parameters (RFC 9211)
 */
public record StorePart(
    CacheOptions options,
    StoredPair pair,
    ContentRange part,
    Optional<PartialEntry> combinedWith,
    List<StoredPair> replaced,
    boolean completes,
    Response response,
    CacheStatus status)
    implements CacheMiss.WithParts {

  /**
   * Creates the outcome.
   *
   * @param options the machine's options
   * @param pair the entry's pair: the complete {@code 200} the representation will be
   * @param part the bytes of the representation the {@code 206} carries
   * @param combinedWith the stored entry this part joins, when it is the same representation
   * @param replaced stored partial entries of this variant with another representation
   * @param completes whether the entry will hold the whole representation with this part
   * @param response the {@code 206} to return to the caller
   * @param status the {@code Cache-Status} parameters (RFC 9211)
   * @throws IllegalArgumentException if a combined part does not keep its entry's id
   */
  public StorePart {
    requireNonNull(options, "options");
    requireNonNull(pair, "pair");
    requireNonNull(part, "part");
    requireNonNull(combinedWith, "combinedWith");
    replaced = List.copyOf(replaced);
    requireNonNull(response, "response");
    requireNonNull(status, "status");
    if (combinedWith.isPresent() && !combinedWith.get().pair().id().equals(pair.id())) {
      throw new IllegalArgumentException("a combined part keeps its entry's id");
    }
  }
}
