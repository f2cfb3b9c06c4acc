package dev.cachet.examples.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The listener on its own, behind a handler that echoes the request, spoken to in raw bytes. */
class ProxyServerTest {
  private ProxyServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        ProxyServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            ProxyServerTest::echo,
            4,
            Duration.ofSeconds(5),
            Duration.ofSeconds(1));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Answers with the request's method, target and body; chunked when the request was. */
  private static ProxyResponse echo(RequestHead head, RequestBody body) throws IOException {
    byte[] bytes = body.readAllBytes();
    String text =
        head.method() + " " + head.target() + " " + new String(bytes, StandardCharsets.UTF_8);
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    Headers headers =
        Headers.of("Date", "Sun, 06 Nov 1994 08:49:37 GMT", "X-Body-Length", "" + bytes.length);
    InputStream stream = new ByteArrayInputStream(out);
    OptionalLong length =
        head.target().contains("unknown-length")
            ? OptionalLong.empty()
            : OptionalLong.of(out.length);
    return new ProxyResponse(200, headers, length, stream);
  }

  private RawClient client() throws IOException {
    return new RawClient(server.address());
  }

  @Nested
  class Framing {
    @Test
    void contentLengthBody_isReadAndConnectionKeptAlive() throws IOException {
      try (RawClient c = client()) {
        c.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(c.read().body()).isEqualTo("POST /a hello");
        c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().body()).isEqualTo("GET /b ");
      }
    }

    @Test
    void chunkedBody_isDecodedWithExtensionsAndTrailers() throws IOException {
      try (RawClient c = client()) {
        c.send(
            "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        RawClient.Response r = c.read();
        assertThat(r.body()).isEqualTo("POST /c hello world");
        assertThat(r.header("X-Body-Length")).isEqualTo("11");
        c.send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().body()).isEqualTo("GET /d ");
      }
    }

    @Test
    void unknownLength_isSentChunkedToHttp11() throws IOException {
      try (RawClient c = client()) {
        c.send("GET /unknown-length HTTP/1.1\r\nHost: x\r\n\r\n");
        RawClient.Response r = c.read();
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(r.header("Content-Length")).isNull();
        assertThat(r.body()).isEqualTo("GET /unknown-length ");
      }
    }

    @Test
    void unknownLength_isCloseDelimitedForHttp10() throws IOException {
      try (RawClient c = client()) {
        c.send("GET /unknown-length HTTP/1.0\r\n\r\n");
        RawClient.Response r = c.read();
        assertThat(r.header("Transfer-Encoding")).isNull();
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(r.body()).isEqualTo("GET /unknown-length ");
      }
    }

    @Test
    void headResponse_carriesLengthButNoBody() throws IOException {
      try (RawClient c = client()) {
        c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
        RawClient.Response r = c.read(true);
        assertThat(r.header("Content-Length")).isEqualTo("8");
        c.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().body()).isEqualTo("GET /next ");
      }
    }

    @Test
    void dateFromHandler_isWrittenUnchanged() throws IOException {
      try (RawClient c = client()) {
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().headers("Date")).containsExactly("Sun, 06 Nov 1994 08:49:37 GMT");
      }
    }

    @Test
    void expectContinue_getsInterimResponseBeforeBody() throws IOException {
      try (RawClient c = client()) {
        c.send("PUT /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        assertThat(c.read(true).status()).isEqualTo(100);
        c.send("abc");
        assertThat(c.read().body()).isEqualTo("PUT /e abc");
      }
    }
  }

  @Nested
  class Persistence {
    @Test
    void connectionClose_isHonoured() throws IOException {
      try (RawClient c = client()) {
        c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(c.read().header("Connection")).isEqualTo("close");
        assertThat(c.isClosedByServer()).isTrue();
      }
    }

    @Test
    void http10_isClosedAfterOneExchange() throws IOException {
      try (RawClient c = client()) {
        c.send("GET / HTTP/1.0\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
        assertThat(c.isClosedByServer()).isTrue();
      }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws IOException {
      try (RawClient c = client()) {
        c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.read().body()).isEqualTo("GET /1 ");
        assertThat(c.read().body()).isEqualTo("GET /2 ");
      }
    }
  }

  @Nested
  class MalformedInput {
    private void assertRefused(String raw, int status) throws IOException {
      try (RawClient c = client()) {
        c.send(raw);
        RawClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(c.isClosedByServer()).isTrue();
      }
    }

    @Test
    void garbageRequestLine_is400() throws IOException {
      assertRefused("HELLO\r\n\r\n", 400);
    }

    @Test
    void missingHost_is400() throws IOException {
      assertRefused("GET / HTTP/1.1\r\n\r\n", 400);
    }

    @Test
    void twoHosts_are400() throws IOException {
      assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    }

    @Test
    void spaceBeforeColon_is400() throws IOException {
      assertRefused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400);
    }

    @Test
    void obsFold_is400() throws IOException {
      assertRefused("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n", 400);
    }

    @Test
    void bareCr_is400() throws IOException {
      assertRefused("GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400);
    }

    @Test
    void contentLengthAndChunked_are400() throws IOException {
      assertRefused(
          "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "0\r\n\r\n",
          400);
    }

    @Test
    void conflictingContentLengths_are400() throws IOException {
      assertRefused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd", 400);
    }

    @Test
    void chunkedNotLast_is400() throws IOException {
      assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
    }

    @Test
    void unknownCoding_is501() throws IOException {
      assertRefused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501);
    }

    @Test
    void malformedChunkSize_is400() throws IOException {
      assertRefused(
          "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
          400);
    }

    @Test
    void http2Preface_is505OrRefused() throws IOException {
      assertRefused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
    }

    @Test
    void unknownExpectation_is417() throws IOException {
      assertRefused("GET / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n", 417);
    }

    @Test
    void longRequestLine_is414() throws IOException {
      assertRefused("GET /" + "a".repeat(HeadReader.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n", 414);
    }

    @Test
    void tooManyFields_are431() throws IOException {
      assertRefused(
          "GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: 1\r\n".repeat(HeadReader.MAX_FIELDS) + "\r\n",
          431);
    }

    @Test
    void longFieldLine_is431() throws IOException {
      assertRefused(
          "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + "a".repeat(HeadReader.MAX_FIELD_LINE) + "\r\n\r\n",
          431);
    }
  }

  @Nested
  class Lifecycle {
    @Test
    void close_closesIdleConnectionsAndStopsListening() throws IOException {
      RawClient c = client();
      c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      server.close();
      assertThat(c.isClosedByServer()).isTrue();
      c.close();
      assertThat(server.isOpen()).isFalse();
    }
  }
}
