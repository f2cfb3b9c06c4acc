package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Between the engine's values and Netty's messages on the origin side. */
final class OriginRequests {
  private OriginRequests() {}

  /**
   * The HTTP/1.1 request head for what the engine asks to send: its method, target and exactly its
   * fields, with the origin's {@code Host} and the framing of the client's body when it has one.
   */
  static DefaultHttpRequest head(
      Request r, HttpRequest client, boolean withBody, String authority) {
    String target =
        r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
    if (target.isEmpty()) {
      target = "/";
    }
    DefaultHttpRequest out =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), target);
    HttpHeaders oh = out.headers();
    for (Headers.Field f : r.headers().fields()) {
      String lower = f.name().toLowerCase(Locale.ROOT);
      if (!lower.equals("host") && !lower.equals("content-length")) {
        oh.add(f.name(), f.value());
      }
    }
    oh.set("Host", authority);
    if (withBody) {
      long length = HttpUtil.getContentLength(client, -1L);
      if (length >= 0 && !HttpUtil.isTransferEncodingChunked(client)) {
        oh.set("Content-Length", length);
      } else {
        oh.set("Transfer-Encoding", "chunked");
      }
    } else if (r.method().equals("POST") || r.method().equals("PUT")) {
      oh.set("Content-Length", 0);
    }
    return out;
  }

  /** A response's fields as the engine takes them. */
  static Headers fields(HttpHeaders headers) {
    List<Headers.Field> fields = new ArrayList<>(headers.size());
    for (Map.Entry<String, String> e : headers) {
      fields.add(new Headers.Field(e.getKey(), e.getValue()));
    }
    return Headers.ofFields(fields);
  }
}
