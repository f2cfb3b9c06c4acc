package dev.cachet.engine;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * A stored body the engine opened for a {@link ResponseSink}: replayed to one subscriber, or closed
 * unread. Not thread-safe.
 */
public interface StoredContent extends AutoCloseable {

  /** {@return the body's length in bytes} */
  long length();

  /**
   * {@return the whole body, when the sink asked for it whole ({@link
   * ResponseSink#wantsWholeBody()})} The array is the caller's to keep.
   */
  Optional<byte[]> bytes();

  /**
   * Streams the body to a subscriber, read as it requests: one that requests everything at once
   * receives the whole body on the calling thread before {@code onSubscribe} returns. The body is
   * closed when the replay ends, is cancelled or fails. Reading may wait for the storage (a file,
   * the network): a shell whose I/O thread must not block replays from another thread unless the
   * storage is in memory.
   *
   * @param subscriber the subscriber
   */
  void replayTo(Flow.Subscriber<? super List<ByteBuffer>> subscriber);

  /** Releases the body unread; does nothing after a replay started. */
  @Override
  void close();
}
