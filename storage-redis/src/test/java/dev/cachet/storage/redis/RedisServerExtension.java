package dev.cachet.storage.redis;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link RedisServer} before a test class and stops it after.
 *
 * <p>When none can be started (see {@link RedisServer} for where the binary comes from), the class
 * fails with the reason: a machine without Redis cannot pass these tests unseen, nor skip them with
 * the reason only in a report. Someone who means to run without Redis says so with {@code
 * -Dcachet.redis.skip=true} (or {@code CACHET_REDIS_SKIP=true}); then each test is skipped with the
 * reason.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 */
final class RedisServerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private RedisServer server;
  private String unavailable;
  private String owner;

  /**
   * Starts the server for the outermost class only: JUnit calls this again for each {@code @Nested}
   * class, which shares it.
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    owner = context.getUniqueId();
    try {
      server = RedisServer.launch();
    } catch (RedisServer.Unavailable e) {
      if (!skipAllowed()) {
        Assertions.fail(
            e.getMessage() + " (to skip the Redis tests instead, set -Dcachet.redis.skip=true)", e);
      }
      unavailable = e.getMessage();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeTrue(server != null, () -> "skipped: " + unavailable);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(owner)) {
      if (server != null) {
        server.close();
      }
      server = null;
      unavailable = null;
      owner = null;
    }
  }

  /** The running server. */
  RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("no Redis server: " + unavailable);
    }
    return server;
  }

  static boolean skipAllowed() {
    return Boolean.parseBoolean(System.getProperty("cachet.redis.skip"))
        || "true".equalsIgnoreCase(System.getenv("CACHET_REDIS_SKIP"));
  }
}
