package dev.cachet.proxy.internal;

import dev.cachet.engine.CacheStatistics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The admin listener's requests: {@code GET /health}, {@code GET /stats} (JSON), {@code GET
 * /metrics} (Prometheus text), {@code POST /purge?url=/path} and {@code POST /purge?prefix=/path/}.
 */
final class Admin extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Server server;
  private final PrometheusMeterRegistry metrics;

  Admin(Server server, PrometheusMeterRegistry metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder q = new QueryStringDecoder(request.uri());
    String path = q.path();
    HttpMethod m = request.method();
    boolean get = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
    if (path.equals("/health") && get) {
      boolean up = !server.isDraining();
      reply(ctx, request, up ? 200 : 503, "text/plain", up ? "ok\n" : "draining\n");
    } else if (path.equals("/stats") && get) {
      reply(ctx, request, 200, "application/json", stats());
    } else if (path.equals("/metrics") && get) {
      reply(
          ctx,
          request,
          200,
          "text/plain; version=0.0.4; charset=utf-8",
          metrics == null ? "" : metrics.scrape());
    } else if (path.equals("/purge")
        && (m.equals(HttpMethod.POST) || m.equals(HttpMethod.DELETE))) {
      purge(ctx, request, q);
    } else {
      reply(ctx, request, 404, "text/plain", "not found: try /health, /stats, /metrics, /purge\n");
    }
  }

  private void purge(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder q) {
    List<String> url = q.parameters().get("url");
    List<String> prefix = q.parameters().get("prefix");
    if ((url == null) == (prefix == null)) {
      reply(ctx, request, 400, "text/plain", "give one of ?url=/path or ?prefix=/path/\n");
      return;
    }
    try {
      if (url != null) {
        boolean ok = server.purge(url.get(0));
        reply(ctx, request, ok ? 200 : 500, "application/json", "{\"purged\":" + ok + "}\n");
      } else {
        int n = server.purgePrefix(prefix.get(0));
        reply(ctx, request, 200, "application/json", "{\"purged\":" + n + "}\n");
      }
    } catch (IllegalArgumentException e) {
      reply(ctx, request, 400, "text/plain", e.getMessage() + "\n");
    }
  }

  private String stats() {
    CacheStatistics s = server.statistics();
    return String.format(
        Locale.ROOT,
        "{\"requests\":%d,\"hits\":%d,\"misses\":%d,\"revalidations\":%d,\"notModified\":%d,"
            + "\"stores\":%d,\"evictions\":%d,\"storageErrors\":%d,\"collapsed\":%d,"
            + "\"backgroundRevalidations\":%d,\"originErrors\":%d,\"hitRate\":%.4f,"
            + "\"connections\":%d}\n",
        s.requests(),
        s.hits(),
        s.misses(),
        s.revalidations(),
        s.notModified(),
        s.stores(),
        s.evictions(),
        s.storageErrors(),
        s.collapsed(),
        s.backgroundRevalidations(),
        s.originErrors(),
        s.hitRate(),
        server.connections());
  }

  private static void reply(
      ChannelHandlerContext ctx, FullHttpRequest request, int status, String type, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            request.method().equals(HttpMethod.HEAD)
                ? Unpooled.EMPTY_BUFFER
                : Unpooled.wrappedBuffer(bytes));
    response.headers().set("content-type", type);
    response.headers().set("content-length", bytes.length);
    response.headers().set("cache-control", "no-store");
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!keepAlive) {
      response.headers().set("connection", "close");
    }
    var f = ctx.writeAndFlush(response);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
