package dev.cachet.storage.internal;

import dev.cachet.core.StoredPair;
import dev.cachet.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A committed pair, or an update of a stored one, not yet written to the disk ({@link
 * WriteBehind}). An update holds no body: {@code base} is the entry it updates, whose body it
 * keeps.
 */
final class PendingWrite {
  /**
   * What a pending update weighs against the bound on pending bytes: it holds no body, only its
   * pair's headers.
   */
  static final int UPDATE_WEIGHT = 1024;

  final StoredPair pair;
  final byte @Nullable [] body; // null for an update
  final int length;
  final @Nullable Metadata base; // null for a commit
  final CompletableFuture<Void> published;
  boolean done; // guarded by this
  boolean started; // guarded by this: its publication is writing
  boolean superseded; // guarded by this: a later update of its pair replaces it unwritten

  PendingWrite(StoredPair pair, byte @Nullable [] body, int length, @Nullable Metadata base) {
    this.pair = pair;
    this.body = body;
    this.length = length;
    this.base = base;
    this.published = new CompletableFuture<>();
  }

  /**
   * An update replacing an earlier one of its pair before that was written: it completes the
   * earlier one's {@code published}, for whoever waits for that.
   */
  PendingWrite(StoredPair pair, Metadata base, CompletableFuture<Void> published) {
    this.pair = pair;
    this.body = null;
    this.length = 0;
    this.base = base;
    this.published = published;
  }

  /** The bytes it holds against the bound on pending bytes. */
  int weight() {
    return base == null ? length : UPDATE_WEIGHT;
  }

  /** Waits until it is written (or has failed). */
  void await() throws IOException {
    try {
      published.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while a pending write was published");
    } catch (ExecutionException e) {
      // Never completed exceptionally: a failed publication completes normally.
      Throwable cause = e.getCause();
      throw new StorageException("pending write failed", cause == null ? e : cause);
    }
  }

  /** The index of the last pending write of this pair id, or -1. */
  static int lastOf(List<PendingWrite> waiting, UUID id) {
    for (int i = waiting.size() - 1; i >= 0; i--) {
      if (waiting.get(i).pair.id().equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
