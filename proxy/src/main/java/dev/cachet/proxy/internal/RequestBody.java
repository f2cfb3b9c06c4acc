package dev.cachet.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * A client's request body on its way to the origin: the connection holds it until the origin
 * connection for it is ready, then it is written only while that connection is writable, so a fast
 * client cannot fill the heap. It goes to one origin call only, since it cannot be sent twice, and
 * is dropped when the exchange was answered without it. Used on the client channel's loop.
 */
final class RequestBody {
  private final ClientConnection conn;
  private final Serial serial;
  private final Runnable onComplete;
  private boolean present;
  private boolean claimed;
  private boolean complete;
  private @Nullable Channel target;

  /**
   * @param onComplete run once the whole body was read from the client
   */
  RequestBody(ClientConnection conn, Serial serial, HttpRequest request, Runnable onComplete) {
    this.conn = conn;
    this.serial = serial;
    this.onComplete = onComplete;
    this.present =
        HttpUtil.isTransferEncodingChunked(request)
            || HttpUtil.getContentLength(request, 0L) > 0
            || (conn.isHttp2() && !(request instanceof LastHttpContent));
    this.complete = !present;
  }

  /** True if the request has a body. */
  boolean present() {
    return present;
  }

  /** True once the whole body was read (or there is none). */
  boolean complete() {
    return complete;
  }

  /** The request is refused before its body was read: there is none to read. */
  void discard() {
    present = false;
    complete = true;
  }

  /** True for the first origin call to ask for the body; it is that call's to send. */
  boolean claim() {
    if (claimed) {
      return false;
    }
    claimed = true;
    return true;
  }

  /** The origin connection for the body is ready: the held body goes on. */
  void sendTo(Channel origin) {
    serial.run(
        () -> {
          target = origin;
          conn.drain();
        });
  }

  /** The origin connection can take more of the body. */
  void originWritable() {
    serial.run(conn::drain);
  }

  /**
   * Takes a piece of the body from the connection; false when it cannot be taken yet (the origin is
   * not connected, or cannot take more), so the connection holds it and stops reading.
   *
   * @param answered true if the exchange was answered without the body (a hit, or an error)
   */
  boolean offer(HttpContent content, boolean answered) {
    if (complete) {
      ReferenceCountUtil.release(content);
      return true;
    }
    boolean last = content instanceof LastHttpContent;
    if (target == null) {
      if (answered) {
        ReferenceCountUtil.release(content);
        if (last) {
          done();
        }
        return true;
      }
      return false;
    }
    if (!target.isWritable()) {
      return false;
    }
    if (last) {
      ChannelFuture unused = target.writeAndFlush(content);
      done();
    } else {
      ChannelFuture unused = target.write(content);
    }
    return true;
  }

  private void done() {
    complete = true;
    conn.requestBodyComplete();
    onComplete.run();
  }
}
