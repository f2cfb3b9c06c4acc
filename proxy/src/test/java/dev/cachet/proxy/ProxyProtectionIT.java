package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.storage.MemoryStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy under the attacks a server on the open internet meets, over real sockets: hundreds of
 * clients sending their heads a byte at a time (slowloris), a body that never ends, idle
 * connections, and more connections than the limit. Each test asserts what ordinary clients get
 * meanwhile: their answers, not tight timings.
 */
class ProxyProtectionIT {
  private static WireMockServer origin;
  private MemoryStorage storage;
  private ReverseProxy proxy;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
    origin.stubFor(
        any(anyUrl())
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("fine")));
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  private void start(UnaryOperator<ProxyOptions.Builder> more) throws IOException {
    storage = MemoryStorage.newBuilder().maximumBytes(16L << 20).build();
    proxy =
        ReverseProxy.start(
            more.apply(
                    ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
                        .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .cache(ProxyProtocolIT.CACHE))
                .build(),
            storage,
            Clock.systemUTC(),
            line -> {});
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    proxy.close();
    storage.close();
  }

  private Socket open() throws IOException {
    Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort());
    sockets.add(s);
    return s;
  }

  /** One ordinary request on a new connection; its status, or -1 when it failed. */
  private int ordinary() {
    try (RawClient c = new RawClient(proxy.address())) {
      return c.send("GET /page HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status();
    } catch (IOException e) {
      return -1;
    }
  }

  /** True once the server closed the socket (after a 408, or without a word). */
  private static boolean closedByServer(Socket s, Duration within) throws IOException {
    s.setSoTimeout((int) within.toMillis());
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // a 408 before the close
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Test
  void slowloris_hundredsOfClientsTricklingTheirHeads_delayNoOrdinaryClient() throws Exception {
    start(b -> b.headTimeout(Duration.ofSeconds(2)));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Socket s = open();
      s.getOutputStream().write("GET /page HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
      slow.add(s);
    }
    Thread trickle =
        new Thread(
            () -> {
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
              while (System.nanoTime() < end) {
                for (Socket s : slow) {
                  try {
                    OutputStream out = s.getOutputStream();
                    out.write('s');
                    out.flush();
                  } catch (IOException e) {
                    // closed by the proxy: what the test waits for
                  }
                }
                try {
                  Thread.sleep(500); // the attacker's pace, one byte per connection
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    trickle.setDaemon(true);
    trickle.start();

    List<Integer> statuses = new ArrayList<>();
    long slowest = 0;
    for (int i = 0; i < 40; i++) {
      long t0 = System.nanoTime();
      statuses.add(ordinary());
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }

    assertThat(statuses).containsOnly(200);
    // Generous: an ordinary request takes milliseconds; the attack lasts seconds.
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(2));
    int closed = 0;
    for (Socket s : slow) {
      if (closedByServer(s, Duration.ofSeconds(6))) {
        closed++;
      }
    }
    trickle.interrupt();
    assertThat(closed).as("slow connections closed by the head deadline").isEqualTo(300);
  }

  @Test
  void atTheConnectionLimit_slowClientsAreShed_andOrdinaryClientsGetIn() throws Exception {
    start(b -> b.maxConnections(50));
    for (int i = 0; i < 200; i++) {
      Socket s = open();
      s.getOutputStream().write("GET /page HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(ordinary());
    }

    assertThat(statuses).containsOnly(200);
    assertThat(proxy.connections()).isLessThanOrEqualTo(50);
  }

  @Test
  void aBodyThatNeverEnds_isCutOffAtTheBodyDeadline_andOthersAreServed() throws Exception {
    start(b -> b.bodyTimeout(Duration.ofSeconds(1)));
    Socket stalled = open();
    stalled
        .getOutputStream()
        .write(
            "POST /form HTTP/1.1\r\nHost: proxy\r\nContent-Length: 1000\r\n\r\nx"
                .getBytes(StandardCharsets.US_ASCII));

    assertThat(ordinary()).isEqualTo(200);
    assertThat(closedByServer(stalled, Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void anIdleConnection_isClosedAfterTheIdleTimeout() throws Exception {
    start(b -> b.idleTimeout(Duration.ofSeconds(1)));
    try (RawClient c = new RawClient(proxy.address())) {
      assertThat(c.send("GET /page HTTP/1.1\r\nHost: proxy\r\n\r\n").read().status())
          .isEqualTo(200);
      assertThat(c.isClosedByServer()).isTrue();
    }
  }

  @Test
  void aConnectionThatSendsNothing_isClosedAtTheHeadDeadline() throws Exception {
    start(b -> b.headTimeout(Duration.ofSeconds(1)));
    assertThat(closedByServer(open(), Duration.ofSeconds(10))).isTrue();
  }
}
