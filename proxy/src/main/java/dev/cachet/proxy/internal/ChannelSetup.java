package dev.cachet.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sets up each client connection: the {@link Guard}, then TLS with ALPN choosing HTTP/2 or HTTP/1.1
 * when the proxy has a certificate, or else a look at the first bytes: the HTTP/2 connection
 * preface means h2c with prior knowledge (RFC 9113 §3.3), anything else HTTP/1.1.
 */
final class ChannelSetup extends ChannelInitializer<Channel> {
  private final ProxyCore core;
  private final @Nullable SslContext ssl;

  ChannelSetup(ProxyCore core, @Nullable SslContext ssl) {
    this.core = core;
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(Channel ch) {
    Guard guard =
        new Guard(
            core.registry,
            core.options.headTimeout(),
            core.options.bodyTimeout(),
            core.options.idleTimeout());
    ChannelPipeline p = ch.pipeline();
    p.addLast("guard", guard);
    if (ssl != null) {
      p.addLast(ssl.newHandler(ch.alloc()));
      p.addLast(
          new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
              if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx.pipeline(), guard, true);
              } else {
                http1(ctx.pipeline(), guard, true);
              }
            }
          });
    } else {
      p.addLast(new PrefaceSniffer(guard));
    }
  }

  private void http1(ChannelPipeline p, Guard guard, boolean tls) {
    HttpDecoderConfig config =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(Math.min(8192, core.options.maxHeadBytes()))
            .setMaxHeaderSize(core.options.maxHeadBytes())
            .setMaxChunkSize(16 * 1024);
    p.addLast(new HttpServerCodec(config));
    p.addLast(new ClientConnection(core, guard, false, tls));
  }

  private void http2(ChannelPipeline p, Guard guard, boolean tls) {
    guard.http2();
    p.addLast(
        Http2FrameCodecBuilder.forServer()
            .frameLogger(new FrameProgress(guard))
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxHeaderListSize(core.options.maxHeadBytes())
                    .maxConcurrentStreams(128))
            .build());
    p.addLast(
        new Http2MultiplexHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast(new ClientConnection(core, guard, true, tls));
              }
            }));
  }

  /** Chooses HTTP/2 or HTTP/1.1 by the first bytes, then steps aside. */
  private final class PrefaceSniffer extends ByteToMessageDecoder {
    private final Guard guard;

    PrefaceSniffer(Guard guard) {
      this.guard = guard;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
      try {
        int n = Math.min(in.readableBytes(), preface.readableBytes());
        boolean same = ByteBufUtil.equals(in, in.readerIndex(), preface, preface.readerIndex(), n);
        if (!same) {
          http1(ctx.pipeline(), guard, false);
        } else if (n == preface.readableBytes()) {
          http2(ctx.pipeline(), guard, false);
        } else {
          return; // not enough bytes to tell yet
        }
        ctx.pipeline().remove(this);
      } finally {
        preface.release();
      }
    }
  }
}
