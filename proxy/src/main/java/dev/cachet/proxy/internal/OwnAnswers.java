package dev.cachet.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The responses the proxy makes itself: its errors, and its answers as the final recipient. The
 * caller adds {@code Connection: close} when the connection ends with the answer.
 */
final class OwnAnswers {
  private OwnAnswers() {}

  /** A short plain-text response saying what went wrong, with this cache's member. */
  static FullHttpResponse text(int status, String message, String cacheStatus, String date) {
    HttpResponseStatus s = HttpResponseStatus.valueOf(status);
    byte[] text =
        (status + " " + s.reasonPhrase() + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, Unpooled.wrappedBuffer(text));
    HttpHeaders h = response.headers();
    h.set("Date", date);
    h.set("Content-Type", "text/plain; charset=utf-8");
    h.set("Content-Length", text.length);
    h.set("Cache-Status", cacheStatus);
    return response;
  }

  /**
   * RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient: OPTIONS
   * with the methods it forwards, TRACE by reflecting the request head as {@code message/http}
   * (§9.3.8), without fields that may carry credentials.
   */
  static FullHttpResponse asFinalRecipient(
      HttpRequest request, String target, String viaVersion, String cacheName, String date) {
    byte[] body = new byte[0];
    String type = null;
    if (request.method().equals(HttpMethod.TRACE)) {
      StringBuilder sb = new StringBuilder();
      sb.append(request.method().name()).append(' ').append(target);
      sb.append(" HTTP/").append(viaVersion).append("\r\n");
      for (Map.Entry<String, String> e : request.headers()) {
        String lower = e.getKey().toLowerCase(Locale.ROOT);
        if (!lower.equals("authorization")
            && !lower.equals("cookie")
            && !lower.equals("proxy-authorization")) {
          sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
      }
      body = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
      type = "message/http";
    }
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    HttpHeaders h = response.headers();
    h.set("Date", date);
    h.set("Content-Length", body.length);
    h.set("Cache-Status", cacheName + "; fwd=bypass; detail=\"answered by the proxy\"");
    if (type != null) {
      h.set("Content-Type", type);
    } else {
      h.set("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE");
    }
    return response;
  }

  /**
   * The status for an origin that failed before its response began: 504 when it did not answer in
   * time (RFC 9110 §15.6.5), 502 when it could not be reached or answered malformed (§15.6.3).
   */
  static int gatewayStatus(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof OriginTimeoutException) {
        return 504;
      }
    }
    return 502;
  }

  /** What {@link #gatewayStatus} means, for the client and the access log. */
  static String gatewayMessage(int status) {
    return status == 504
        ? "the origin did not answer in time"
        : "the origin could not be reached or sent a malformed response";
  }
}
