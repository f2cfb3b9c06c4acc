package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.StoredPair;
import dev.cachet.engine.ResponseHead;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The response heads one exchange sends its client: the engine's fields without hop-by-hop ones
 * (RFC 9110 §7.6.1), with {@code Date} (§6.6.1), {@code Via} (§7.6.3) and the framing and {@code
 * Connection} fields the client's protocol needs; the origin's reason phrase when the status is the
 * origin's; and interim responses as they came (§15.2). Used on the client channel's loop.
 */
final class ClientHeads {
  private final boolean http2;
  private final boolean http10;
  private final boolean head;
  private final HttpDates dates;
  private int originStatus;
  private @Nullable String originReason;
  private @Nullable String originVersion;

  ClientHeads(boolean http2, boolean http10, boolean head, HttpDates dates) {
    this.http2 = http2;
    this.http10 = http10;
    this.head = head;
    this.dates = dates;
  }

  /** Keeps the status line of the origin's response to the client's own request. */
  void originLine(HttpResponse response) {
    originStatus = response.status().code();
    originReason = response.status().reasonPhrase();
    originVersion = response.protocolVersion().text();
  }

  /** True if a response with this status carries no body to this client. */
  boolean bodyless(int status) {
    return head || status < 200 || status == 204 || status == 304;
  }

  /** True if a body of unknown length must end by closing the connection (HTTP/1.0). */
  boolean closeDelimited(long length, boolean bodyless) {
    return length < 0 && !bodyless && http10;
  }

  /** A single, well-formed {@code Content-Length}, or -1. */
  static long declaredLength(Headers fields) {
    List<String> values = fields.allValues("Content-Length");
    if (values.size() != 1) {
      return -1;
    }
    String v = values.get(0).trim();
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(v);
  }

  /**
   * The head for the engine's response.
   *
   * @param length the body's length, or -1 when unknown or when there is no body
   * @param bodyless true when no body follows ({@link #bodyless(int)})
   * @param keepAlive whether the connection carries another request after this one
   */
  HttpResponse head(ResponseHead responseHead, long length, boolean bodyless, boolean keepAlive) {
    int code = responseHead.status();
    HttpResponseStatus status = status(responseHead, code);
    DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, CHECKED);
    HttpHeaders out = response.headers();
    boolean hasDate = false;
    String keptLength = null;
    for (Headers.Field f : responseHead.fields().fields()) {
      String lower = f.name().toLowerCase(Locale.ROOT);
      if (lower.equals("content-length")) {
        keptLength = f.value();
        continue;
      }
      if (Headers.HOP_BY_HOP.contains(lower)) {
        continue;
      }
      if (lower.equals("date")) {
        hasDate = true;
      }
      out.add(f.name(), f.value());
    }
    // RFC 9211 §2: this cache's member, after those of the caches before it.
    out.add("Cache-Status", responseHead.cacheStatusValue());
    if (!hasDate) {
      out.set("Date", dates.now());
    }
    Optional<StoredPair> pair = responseHead.pair();
    String version = originVersion;
    if (pair.isPresent() && pair.get().httpVersion().isPresent()) {
      version = pair.get().httpVersion().get();
    }
    out.add("Via", via(version));
    if (length >= 0) {
      out.set("Content-Length", length);
    } else if (bodyless) {
      if (keptLength != null && (head || code == 304)) {
        out.set("Content-Length", keptLength);
      }
    } else if (!http2 && !http10) {
      out.set("Transfer-Encoding", "chunked");
    }
    if (!http2) {
      if (!keepAlive) {
        out.set("Connection", "close");
      } else if (http10) {
        out.set("Connection", "keep-alive");
      }
    }
    return response;
  }

  /**
   * RP-03: the origin's reason phrase, from its status line or kept with the stored response, when
   * the response served has that status; else the standard phrase.
   */
  private HttpResponseStatus status(ResponseHead responseHead, int code) {
    Optional<StoredPair> pair = responseHead.pair();
    if (pair.isPresent()) {
      StoredPair p = pair.get();
      Optional<String> kept = p.reasonPhrase();
      return kept.isPresent() && p.response().status() == code
          ? new HttpResponseStatus(code, kept.get())
          : HttpResponseStatus.valueOf(code);
    }
    return code == originStatus && originReason != null && !originReason.isEmpty()
        ? new HttpResponseStatus(code, originReason)
        : HttpResponseStatus.valueOf(code);
  }

  /**
   * Headers whose names are not checked again (values still are): every name comes from core's
   * {@code Headers}, which refuses control characters, colons and spaces in names, from Netty's
   * decoder of the origin's response, or from this class.
   */
  private static final HttpHeadersFactory CHECKED =
      DefaultHttpHeadersFactory.headersFactory().withNameValidation(false);

  private static final String VIA_10 = "1.0 " + RequestFields.PSEUDONYM;
  private static final String VIA_11 = "1.1 " + RequestFields.PSEUDONYM;
  private static final String VIA_2 = "2 " + RequestFields.PSEUDONYM;

  /** The {@code Via} value for a response that arrived in this version (1.1 when unknown). */
  private static String via(@Nullable String version) {
    if (version == null) {
      return VIA_11;
    }
    return switch (version) {
      case "HTTP/1.0" -> VIA_10;
      case "HTTP/2", "HTTP/2.0" -> VIA_2;
      default -> VIA_11;
    };
  }

  /** An interim response as the client gets it: without hop-by-hop fields and framing. */
  static FullHttpResponse interim(HttpResponse response) {
    DefaultFullHttpResponse interim =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), Unpooled.EMPTY_BUFFER);
    Set<String> drop = HopByHop.names(response.headers());
    for (Map.Entry<String, String> e : response.headers()) {
      String lower = e.getKey().toLowerCase(Locale.ROOT);
      if (!HopByHop.drop(lower, drop) && !lower.equals("content-length")) {
        interim.headers().add(e.getKey(), e.getValue());
      }
    }
    return interim;
  }
}
