package dev.cachet.engine.internal;

import dev.cachet.engine.StoredContent;
import dev.cachet.storage.StoredBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A stored body opened for a sink, its first chunk (or all of it) already read, so that a body that
 * proves unreadable is found before the caller is answered.
 */
final class OpenedBody implements StoredContent {
  private final long length;
  private @Nullable StoredBody body; // null once handed to a replay, closed, or read whole
  private final @Nullable ByteBuffer first;
  private final byte @Nullable [] whole;

  private OpenedBody(
      long length, @Nullable StoredBody body, @Nullable ByteBuffer first, byte @Nullable [] whole) {
    this.length = length;
    this.body = body;
    this.first = first;
    this.whole = whole;
  }

  /** No body: a response without content, or one the cache made (a 504). */
  static OpenedBody empty() {
    return new OpenedBody(0, null, null, null);
  }

  /**
   * Reads the first chunk, or the whole body when {@code whole}; the body is closed when this
   * throws.
   *
   * @throws IOException if the body cannot be read
   */
  static OpenedBody open(StoredBody body, boolean whole) throws IOException {
    try {
      if (whole) {
        byte[] bytes = body.asInputStream().readAllBytes();
        body.close();
        return new OpenedBody(bytes.length, null, null, bytes);
      }
      ByteBuffer first = body.nextChunk().orElse(null);
      return new OpenedBody(body.length(), body, first, null);
    } catch (IOException | RuntimeException e) {
      closeQuietly(body);
      throw e;
    }
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public Optional<byte[]> bytes() {
    return whole != null
        ? Optional.of(whole)
        : body == null && first == null ? Optional.of(new byte[0]) : Optional.empty();
  }

  @Override
  public void replayTo(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
    StoredBody b = body;
    body = null;
    if (whole != null) {
      BodyReplay.replay(subscriber, null, whole.length == 0 ? null : ByteBuffer.wrap(whole));
    } else {
      BodyReplay.replay(subscriber, b, first);
    }
  }

  @Override
  public void close() {
    StoredBody b = body;
    body = null;
    closeQuietly(b);
  }

  private static void closeQuietly(@Nullable StoredBody b) {
    if (b != null) {
      try {
        b.close();
      } catch (IOException ignored) {
        // Nothing was or will be read from it.
      }
    }
  }
}
