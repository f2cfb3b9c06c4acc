package dev.cachet.proxy.internal;

import dev.cachet.core.Headers;
import dev.cachet.proxy.ProxyOptions.ForwardedStyle;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fields a client's request goes on with: its end-to-end fields (hop-by-hop ones removed, RFC
 * 9110 §7.6.1), {@code Max-Forwards} decremented (§7.6.2), {@code Via} (§7.6.3), and {@code
 * X-Forwarded-*} or {@code Forwarded} (RFC 7239) as configured.
 */
final class RequestFields {
  static final String PSEUDONYM = "cachet";

  private RequestFields() {}

  /** The {@code Max-Forwards} of a TRACE or OPTIONS request (RFC 9110 §7.6.2), or -1. */
  static long maxForwards(HttpRequest request) {
    if (!request.method().equals(HttpMethod.TRACE)
        && !request.method().equals(HttpMethod.OPTIONS)) {
      return -1;
    }
    String v = request.headers().get("max-forwards");
    if (v == null
        || v.isEmpty()
        || v.length() > 18
        || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    return Long.parseLong(v);
  }

  /** The request's fields as the origin gets them: end-to-end ones, then Via and forwarding. */
  static Headers forOrigin(
      HttpRequest request, long maxForwards, String viaVersion, Client from, ForwardedStyle style) {
    String client = from.address();
    HttpHeaders h = request.headers();
    Set<String> drop = HopByHop.names(h);
    List<Headers.Field> out = new ArrayList<>(h.size() + 4);
    String host = null;
    for (Map.Entry<String, String> e : h) {
      String lower = e.getKey().toLowerCase(Locale.ROOT);
      if (lower.equals("host")) {
        host = e.getValue();
        continue;
      }
      if (lower.equals("content-length")
          || lower.equals("max-forwards")
          || HopByHop.drop(lower, drop)) {
        continue;
      }
      out.add(new Headers.Field(e.getKey(), e.getValue()));
    }
    if (maxForwards > 0) {
      out.add(new Headers.Field("Max-Forwards", Long.toString(maxForwards - 1)));
    }
    out.add(new Headers.Field("Via", viaVersion + " " + PSEUDONYM));
    String proto = from.tls() ? "https" : "http";
    if (style == ForwardedStyle.X_FORWARDED) {
      String xff = h.get("x-forwarded-for");
      out.removeIf(
          f ->
              f.name().equalsIgnoreCase("x-forwarded-for")
                  || f.name().equalsIgnoreCase("x-forwarded-proto")
                  || f.name().equalsIgnoreCase("x-forwarded-host"));
      out.add(
          new Headers.Field(
              "X-Forwarded-For", xff == null || xff.isBlank() ? client : xff + ", " + client));
      out.add(new Headers.Field("X-Forwarded-Proto", proto));
      if (host != null) {
        out.add(new Headers.Field("X-Forwarded-Host", host));
      }
    } else if (style == ForwardedStyle.FORWARDED) {
      String node = client.indexOf(':') >= 0 ? "\"[" + client + "]\"" : client;
      String element =
          "for=" + node + ";proto=" + proto + (host == null ? "" : ";host=\"" + quote(host) + "\"");
      out.add(new Headers.Field("Forwarded", element));
    }
    return Headers.ofFields(out);
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /**
   * The client as the forwarding fields tell the origin about it.
   *
   * @param address the client's IP address, as text
   * @param tls true if the client connected over TLS
   */
  record Client(String address, boolean tls) {
    /** The client on this channel. */
    static Client of(Channel channel, boolean tls) {
      SocketAddress a = channel.remoteAddress();
      if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
        return new Client(isa.getAddress().getHostAddress(), tls);
      }
      return new Client("unknown", tls);
    }
  }
}
