package dev.cachet.engine.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The future of every exchange that completes on the calling thread (a fresh hit): one shared,
 * completed instance instead of one per request. Completing it again does nothing, as for any
 * completed future; obtruding another outcome, which would change it for everyone, is refused.
 */
final class Completed extends CompletableFuture<Void> {
  /** The shared completed future. */
  static final CompletableFuture<Void> DONE = new Completed();

  private Completed() {
    super.complete(null);
  }

  @Override
  public void obtrudeValue(Void value) {
    throw new UnsupportedOperationException("a shared completed future cannot be changed");
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException("a shared completed future cannot be changed");
  }
}
