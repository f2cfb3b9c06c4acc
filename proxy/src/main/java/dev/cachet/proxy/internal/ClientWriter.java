package dev.cachet.proxy.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * Writes a response body to the client as it arrives, asking for more only while the client's
 * connection is writable, so a slow client slows the origin (or the stored body) instead of filling
 * the heap. Signals may come on any thread; the writes happen in order on the channel's loop. A
 * body that breaks off closes the connection, so the client sees it incomplete.
 */
final class ClientWriter implements Flow.Subscriber<List<ByteBuffer>> {
  private final Channel channel;
  private final ClientResponse response;
  private final boolean discard;
  private final Serial serial;
  private Flow.@Nullable Subscription subscription;
  private boolean waiting;
  private boolean ended;

  /**
   * @param discard true to read the body and write none of it (HEAD, 204, 304)
   */
  ClientWriter(Channel channel, ClientResponse response, boolean discard, Serial serial) {
    this.channel = channel;
    this.response = response;
    this.discard = discard;
    this.serial = serial;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    serial.run(
        () -> {
          subscription = s;
          if (ended) {
            s.cancel();
            return;
          }
          s.request(1);
        });
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    serial.run(
        () -> {
          if (ended) {
            return;
          }
          if (!discard) {
            for (ByteBuffer b : items) {
              if (b.hasRemaining()) {
                ChannelFuture unused =
                    channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(b)));
              }
            }
          }
          // Ask for more before flushing: after the last piece, the request brings the end, and a
          // stored body is released (and a pair SEC-01 withdrew removed) before the client can
          // have the last byte and send its next request.
          if (channel.isWritable() || discard) {
            Objects.requireNonNull(subscription).request(1);
          } else {
            waiting = true;
          }
          if (!discard) {
            channel.flush();
          }
        });
  }

  /** The channel became writable again. */
  void writable() {
    if (waiting && !ended) {
      waiting = false;
      Objects.requireNonNull(subscription).request(1);
    }
  }

  @Override
  public void onError(Throwable error) {
    serial.run(
        () -> {
          if (ended) {
            return;
          }
          ended = true;
          response.bodyFailed(error);
        });
  }

  @Override
  public void onComplete() {
    serial.run(
        () -> {
          if (ended) {
            return;
          }
          ended = true;
          channel
              .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
              .addListener(
                  (ChannelFutureListener)
                      f -> {
                        if (f.isSuccess()) {
                          response.responseWritten();
                        } else {
                          response.bodyFailed(f.cause());
                        }
                      });
        });
  }

  /** The client went away: stop the body. */
  void abort() {
    if (!ended) {
      ended = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }
  }
}
