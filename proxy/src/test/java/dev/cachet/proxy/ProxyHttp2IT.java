package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.cachet.storage.MemoryStorage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 from clients: cleartext with prior knowledge (RFC 9113 §3.3), spoken by a Netty HTTP/2
 * client, and TLS with ALPN, spoken by the JDK's client with a certificate made for the test.
 */
class ProxyHttp2IT {
  private static WireMockServer origin;
  private MemoryStorage storage;
  private ReverseProxy proxy;
  private EventLoopGroup group;

  @BeforeAll
  static void startOrigin() {
    origin = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
    origin.start();
  }

  @AfterAll
  static void stopOrigin() {
    origin.stop();
  }

  @BeforeEach
  void stubs() {
    origin.resetAll();
    origin.stubFor(
        any(anyUrl())
            .willReturn(aResponse().withHeader("Cache-Control", "max-age=60").withBody("over h2")));
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (storage != null) {
      storage.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private void start(ProxyOptions.Builder b) throws IOException {
    storage = MemoryStorage.newBuilder().maximumBytes(16L << 20).build();
    proxy =
        ReverseProxy.start(
            b.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .cache(ProxyProtocolIT.CACHE)
                .build(),
            storage,
            Clock.systemUTC(),
            line -> {});
  }

  @Test
  void h2cWithPriorKnowledge_getsAnswersOnSeveralStreamsOfOneConnection() throws Exception {
    start(ProxyOptions.newBuilder(URI.create(origin.baseUrl())));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel connection = h2cConnection();

    FullHttpResponse first = exchange(connection, HttpMethod.GET, "/h2/a", null);
    FullHttpResponse second = exchange(connection, HttpMethod.POST, "/h2/b", "posted");
    try {
      assertThat(first.status().code()).isEqualTo(200);
      assertThat(first.content().toString(StandardCharsets.UTF_8)).isEqualTo("over h2");
      assertThat(first.headers().get("cache-status")).startsWith("Cachet;");
      assertThat(first.headers().get("via")).isEqualTo("1.1 cachet");
      assertThat(second.status().code()).isEqualTo(200);
    } finally {
      first.release();
      second.release();
    }
    origin.verify(getRequestedFor(urlEqualTo("/h2/a")).withHeader("Via", equalTo("2 cachet")));
    origin.verify(postRequestedFor(urlEqualTo("/h2/b")).withRequestBody(equalTo("posted")));
  }

  /**
   * RP-09 over HTTP/2: a stream whose request body trickles is reset once the body timeout has
   * passed, although frames on the connection's other streams keep the connection itself alive.
   */
  @Test
  void RP_09_aStreamWhoseBodyTrickles_isResetAfterTheBodyTimeout_whileOtherStreamsAreAnswered()
      throws Exception {
    start(
        ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
            .bodyTimeout(java.time.Duration.ofMillis(800))
            .idleTimeout(java.time.Duration.ofSeconds(30)));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel connection = h2cConnection();
    Http2StreamChannel slow =
        new Http2StreamChannelBootstrap(connection)
            .handler(new Http2StreamFrameToHttpObjectCodec(false))
            .open()
            .sync()
            .getNow();
    io.netty.handler.codec.http.HttpRequest head =
        new io.netty.handler.codec.http.DefaultHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/h2/slow");
    head.headers().set("host", "proxy");
    head.headers().set("x-http2-scheme", "http");
    head.headers().set("content-length", 100);
    slow.writeAndFlush(head).sync();
    long started = System.nanoTime();
    int answered = 0;
    // One byte of the body, and an ordinary request on another stream, every 200 ms.
    while (slow.isActive() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
      slow.writeAndFlush(
          new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1])));
      FullHttpResponse other = exchange(connection, HttpMethod.GET, "/h2/other", null);
      try {
        assertThat(other.status().code()).isEqualTo(200);
        answered++;
      } finally {
        other.release();
      }
      Thread.sleep(200);
    }
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(slow.isActive()).as("the trickling stream is reset").isFalse();
    assertThat(took).isBetween(700L, 4000L);
    assertThat(connection.isActive()).as("the connection stays").isTrue();
    assertThat(answered).isGreaterThanOrEqualTo(2);
  }

  /**
   * RP-09: a header block sent a byte at a time (the HTTP/2 slowloris) is closed after the head
   * timeout, although every byte is a frame's worth of activity for the idle timeout. The frames
   * are raw bytes here, since no HTTP/2 client sends a header block this slowly.
   */
  @Test
  void RP_09_aHeaderBlockThatTrickles_closesTheConnectionAfterTheHeadTimeout() throws Exception {
    start(
        ProxyOptions.newBuilder(URI.create(origin.baseUrl()))
            .headTimeout(java.time.Duration.ofMillis(800))
            .idleTimeout(java.time.Duration.ofSeconds(30)));
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    Channel polite = h2cConnection();
    FullHttpResponse first = exchange(polite, HttpMethod.GET, "/h2/polite", null);
    first.release();
    try (java.net.Socket s =
        new java.net.Socket(InetAddress.getLoopbackAddress(), proxy.address().getPort())) {
      java.io.OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // An empty SETTINGS frame, then the head of a HEADERS frame of stream 1 whose 64-byte block
      // never ends (no END_HEADERS): its payload follows a byte at a time.
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
      out.write(new byte[] {0, 0, 64, 1, 0, 0, 0, 0, 1});
      out.flush();
      java.io.InputStream in = s.getInputStream();
      Thread drain =
          new Thread(
              () -> {
                try {
                  in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException closed) {
                  // the proxy closed the connection
                }
              });
      drain.start();
      long started = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 60 && !closed; i++) {
        Thread.sleep(100);
        try {
          out.write(0);
          out.flush();
        } catch (IOException e) {
          closed = true;
        }
        closed |= !drain.isAlive();
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(closed).as("the proxy closed the trickling connection").isTrue();
      assertThat(took).isBetween(700L, 4000L);
    }
    // A connection whose frames arrive whole rests between them as long as the idle timeout.
    FullHttpResponse later = exchange(polite, HttpMethod.GET, "/h2/polite", null);
    try {
      assertThat(later.status().code()).isEqualTo(200);
      assertThat(polite.isActive()).isTrue();
    } finally {
      later.release();
    }
  }

  private Channel h2cConnection() throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(
                        Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(
                            new SimpleChannelInboundHandler<Object>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {}
                            }));
              }
            })
        .connect(proxy.address())
        .sync()
        .channel();
  }

  private static FullHttpResponse exchange(
      Channel connection, HttpMethod method, String path, String body) throws Exception {
    CompletableFuture<FullHttpResponse> response = new CompletableFuture<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new Http2StreamFrameToHttpObjectCodec(false),
                            new HttpObjectAggregator(1 << 20),
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpResponse msg) {
                                response.complete(msg.retainedDuplicate());
                              }
                            });
                  }
                })
            .open()
            .sync()
            .getNow();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            method,
            path,
            body == null
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    request.headers().set("host", "proxy");
    request.headers().set("x-http2-scheme", "http");
    if (body != null) {
      request.headers().set("content-length", body.length());
    }
    stream.writeAndFlush(request);
    return response.get(10, TimeUnit.SECONDS);
  }

  @Test
  void tlsWithAlpn_speaksHttp2ToTheJdkClient(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0)
        .as("openssl made a certificate")
        .isTrue();
    start(ProxyOptions.newBuilder(URI.create(origin.baseUrl())).tls(cert, key));

    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(trusting(cert))
            .version(HttpClient.Version.HTTP_2)
            .build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + proxy.address().getPort() + "/tls"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("over h2");
    assertThat(r.headers().firstValue("cache-status")).get().asString().startsWith("Cachet;");
    origin.verify(
        getRequestedFor(urlEqualTo("/tls")).withHeader("X-Forwarded-Proto", equalTo("https")));
  }

  private static SSLContext trusting(Path certPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(certPem))) {
      trust.setCertificateEntry(
          "proxy", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return ssl;
  }
}
