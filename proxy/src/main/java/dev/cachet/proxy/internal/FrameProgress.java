package dev.cachet.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.logging.LogLevel;

/**
 * Tells the connection's {@link Guard} each time Netty has read a whole HTTP/2 frame from the
 * client (a header block with its {@code CONTINUATION} frames counting as one), so that a frame
 * whose bytes trickle is held to the head timeout. Netty calls its frame logger for every frame it
 * reads, which makes it the hook; this one logs nothing.
 */
final class FrameProgress extends Http2FrameLogger {
  private final Guard guard;

  FrameProgress(Guard guard) {
    super(LogLevel.TRACE, FrameProgress.class);
    this.guard = guard;
  }

  private void read(Direction d) {
    if (d == Direction.INBOUND) {
      guard.frameRead();
    }
  }

  @Override
  public boolean isEnabled() {
    return false;
  }

  @Override
  public void logData(
      Direction d, ChannelHandlerContext ctx, int stream, ByteBuf data, int padding, boolean end) {
    read(d);
  }

  @Override
  public void logHeaders(
      Direction d,
      ChannelHandlerContext ctx,
      int stream,
      Http2Headers headers,
      int padding,
      boolean end) {
    read(d);
  }

  @Override
  public void logHeaders(
      Direction d,
      ChannelHandlerContext ctx,
      int stream,
      Http2Headers headers,
      int dependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean end) {
    read(d);
  }

  @Override
  public void logPriority(
      Direction d,
      ChannelHandlerContext ctx,
      int stream,
      int dependency,
      short weight,
      boolean exclusive) {
    read(d);
  }

  @Override
  public void logRstStream(Direction d, ChannelHandlerContext ctx, int stream, long error) {
    read(d);
  }

  @Override
  public void logSettingsAck(Direction d, ChannelHandlerContext ctx) {
    read(d);
  }

  @Override
  public void logSettings(Direction d, ChannelHandlerContext ctx, Http2Settings settings) {
    read(d);
  }

  @Override
  public void logPing(Direction d, ChannelHandlerContext ctx, long data) {
    read(d);
  }

  @Override
  public void logPingAck(Direction d, ChannelHandlerContext ctx, long data) {
    read(d);
  }

  @Override
  public void logPushPromise(
      Direction d,
      ChannelHandlerContext ctx,
      int stream,
      int promised,
      Http2Headers headers,
      int padding) {
    read(d);
  }

  @Override
  public void logGoAway(
      Direction d, ChannelHandlerContext ctx, int last, long error, ByteBuf debug) {
    read(d);
  }

  @Override
  public void logWindowsUpdate(Direction d, ChannelHandlerContext ctx, int stream, int increment) {
    read(d);
  }

  @Override
  public void logUnknownFrame(
      Direction d,
      ChannelHandlerContext ctx,
      byte type,
      int stream,
      Http2Flags flags,
      ByteBuf data) {
    read(d);
  }
}
