package dev.cachet.examples.embed;

import dev.cachet.proxy.ProxyOptions;
import dev.cachet.proxy.ReverseProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * Embedding the caching reverse proxy in your own program: build {@link ProxyOptions}, start a
 * {@link ReverseProxy}, and close it when done. This one listens on a free loopback port, keeps up
 * to 32 MiB in memory, answers its admin requests (health, statistics, metrics, purge) on another
 * loopback port, and gives slow clients two seconds to send a request head.
 *
 * <pre>{@code
 * try (ReverseProxy proxy = EmbeddedProxy.start(URI.create("http://127.0.0.1:9000"))) {
 *   System.out.println("proxying on " + proxy.address());
 *   // ... serve ...
 *   System.out.println(proxy.statistics());
 * }
 * }</pre>
 */
public final class EmbeddedProxy {
  private EmbeddedProxy() {}

  /** Starts a proxy in front of {@code origin}; the caller closes it. */
  public static ReverseProxy start(URI origin) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ProxyOptions options =
        ProxyOptions.newBuilder(origin)
            .listen(new InetSocketAddress(loopback, 0))
            .admin(new InetSocketAddress(loopback, 0))
            .maxBytes(32L << 20)
            .headTimeout(Duration.ofSeconds(2))
            .build();
    return ReverseProxy.start(options); // the proxy owns its MemoryStorage and closes it
  }

  /** Runs the example against the origin given as the only argument, until Enter is pressed. */
  public static void main(String[] args) throws IOException {
    try (ReverseProxy proxy =
        start(URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:9000"))) {
      System.out.println(
          "proxying on http://127.0.0.1:"
              + proxy.address().getPort()
              + ", admin on http://127.0.0.1:"
              + proxy.adminAddress().orElseThrow().getPort()
              + "; press Enter to stop");
      System.in.read();
      System.out.println(proxy.statistics());
    }
  }
}
