package dev.cachet.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A real WireMock origin on 127.0.0.1. WireMock's own gzip is off: a test that wants a compressed
 * body sends the bytes it compressed itself, with {@code Content-Encoding: gzip}, whatever the
 * request's {@code Accept-Encoding}.
 */
final class Origin implements AutoCloseable {
  final WireMockServer server;

  Origin() {
    server =
        new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true));
    server.start();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  URI uri(String path) {
    return base().resolve(path);
  }

  int gets(String path) {
    return server.countRequestsMatching(getRequestedFor(urlEqualTo(path)).build()).getCount();
  }

  List<LoggedRequest> requests(String path) {
    return server.findAll(anyRequestedFor(urlEqualTo(path)));
  }

  /**
   * Text of this many characters that compresses poorly (seeded random letters and spaces), so that
   * its gzip form still arrives in many reads.
   */
  static String text(int length) {
    Random random = new Random(length);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      int r = random.nextInt(27);
      b.append(r == 26 ? ' ' : (char) ('a' + r));
    }
    return b.toString();
  }

  /**
   * Stubs {@code GET path} with {@code text} gzipped ({@code Content-Encoding: gzip}, {@code Vary:
   * Accept-Encoding}) and this {@code Cache-Control}.
   */
  void stubGzipped(String path, String text, String cacheControl) {
    server.stubFor(
        get(path)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "text/plain; charset=utf-8")
                    .withHeader("Content-Encoding", "gzip")
                    .withHeader("Vary", "Accept-Encoding")
                    .withHeader("Cache-Control", cacheControl)
                    .withBody(gzip(text))));
  }

  static byte[] gzip(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    server.stop();
  }
}
