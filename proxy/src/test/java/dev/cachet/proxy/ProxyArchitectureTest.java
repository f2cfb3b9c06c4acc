package dev.cachet.proxy;

import dev.cachet.engine.architecture.ShellArchitectureContract;

/** The proxy is a shell over the engine, held to the shells' rules, as the adapter is. */
class ProxyArchitectureTest extends ShellArchitectureContract {
  @Override
  protected Class<?> anchor() {
    return ReverseProxy.class;
  }
}
