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

/** The responses the proxy makes itself: its errors, and its answers as the final recipient. */
final class OwnAnswers {
  private OwnAnswers() {}

  /** A short plain-text response saying what went wrong, with this cache's member. */
  static FullHttpResponse text(
      int status, String message, String cacheStatus, String date, boolean close) {
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
    if (close) {
      h.set("Connection", "close");
    }
    return response;
  }

  /**
   * RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient: OPTIONS
   * with the methods it forwards, TRACE by reflecting the request head as {@code message/http}
   * (§9.3.8), without fields that may carry credentials.
   */
  static FullHttpResponse asFinalRecipient(
      HttpRequest request,
      String target,
      String viaVersion,
      String cacheName,
      String date,
      boolean close) {
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
    if (close) {
      h.set("Connection", "close");
    }
    return response;
  }
}
