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

  /** The body's length in bytes. */
  long length();

  /**
   * The whole body, when the sink asked for it whole ({@link ResponseSink#wantsWholeBody()}); the
   * array is the caller's to keep.
   */
  Optional<byte[]> bytes();

  /**
   * Streams the body to a subscriber, read as it requests: one that requests everything at once
   * receives the whole body on the calling thread before {@code onSubscribe} returns. The body is
   * closed when the replay ends, is cancelled or fails.
   *
   * @param subscriber the subscriber
   */
  void replayTo(Flow.Subscriber<? super List<ByteBuffer>> subscriber);

  /** Releases the body unread; does nothing after a replay started. */
  @Override
  void close();
}
