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
 * <p>When none can be started, each test of the class is skipped with the reason (how to install
 * {@code redis-server}), so the run reports every one of them as skipped, never as passed. When
 * {@code cachet.redis.required} (system property) or {@code CACHET_REDIS_REQUIRED} (environment) is
 * {@code true}, as CI sets it, the class fails instead: a machine without Redis cannot pass these
 * tests unseen.
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
      if (required()) {
        Assertions.fail(
            e.getMessage() + " (Redis is required here: cachet.redis.required is set)", e);
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

  static boolean required() {
    return Boolean.parseBoolean(System.getProperty("cachet.redis.required"))
        || "true".equalsIgnoreCase(System.getenv("CACHET_REDIS_REQUIRED"));
  }
}
