package dev.cachet.httpclient;

import dev.cachet.engine.architecture.ShellArchitectureContract;

/** The adapter is a shell over the engine, held to the shells' rules. */
class ShellArchitectureTest extends ShellArchitectureContract {
  @Override
  protected Class<?> anchor() {
    return CachingHttpClient.class;
  }
}
