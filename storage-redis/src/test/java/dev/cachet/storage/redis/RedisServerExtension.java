package dev.cachet.storage.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link RedisServer} before a test class and stops it after; skips the class with the
 * reason when none can be started (see {@link RedisServer#startOrSkip()}).
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 */
final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
  private RedisServer server;
  private String owner;

  /**
   * Starts the server for the outermost class only: JUnit calls this again for each {@code @Nested}
   * class, which shares it.
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = RedisServer.startOrSkip();
      owner = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(owner)) {
      server.close();
      server = null;
      owner = null;
    }
  }

  /** The running server. */
  RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("no Redis server: the extension has not started one");
    }
    return server;
  }
}
