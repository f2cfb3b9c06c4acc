/**
 * Cachet's caching reverse proxy: {@link dev.cachet.proxy.ReverseProxy} in front of one origin, a
 * shared cache (RFC 9111 §1) on the Cachet engine, served by Netty over HTTP/1.1 and HTTP/2.
 */
module dev.cachet.proxy {
  requires static org.jspecify;
  requires transitive dev.cachet.engine;
  requires dev.cachet.micrometer;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.codec.http2;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;

  exports dev.cachet.proxy;
}
