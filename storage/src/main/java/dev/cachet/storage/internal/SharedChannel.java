package dev.cachet.storage.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * An entry file kept open, shared by the bodies read from it, by {@link OpenEntries} and by an
 * update written into its slots ({@link Updates}): each holds a reference, and the channel closes
 * when the last one lets go. Reads and writes are positioned, so holders never disturb each other.
 */
final class SharedChannel {
  private final FileChannel channel;
  private int references = 1; // guarded by this

  /** The channel, with one reference: the opener's. */
  SharedChannel(FileChannel channel) {
    this.channel = channel;
  }

  FileChannel channel() {
    return channel;
  }

  /** Takes another reference; false when the channel is already closed. */
  synchronized boolean retain() {
    if (references == 0) {
      return false;
    }
    references++;
    return true;
  }

  /** Lets go of one reference, closing the channel with the last. */
  void release() {
    boolean last;
    synchronized (this) {
      if (references == 0) {
        return;
      }
      last = --references == 0;
    }
    if (last) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Updates are never forced, so closing has nothing to lose.
      }
    }
  }
}
