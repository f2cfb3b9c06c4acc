package dev.cachet.proxy.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/** One request to the origin, as {@link OriginClient} carries it out; called on its event loop. */
interface OriginCall {
  /** The request head to send, with {@code Host} and framing set. */
  HttpRequest head();

  /** True when a request body follows the head (see {@link #sendBody}). */
  boolean hasBody();

  /**
   * Whether the request may go again on a new connection when a pooled one failed before any
   * response: only one without a body, whose method may be repeated (RFC 9110 §9.2.2).
   */
  default boolean mayRetry() {
    String m = head().method().name();
    return !hasBody() && (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"));
  }

  /**
   * The head was written on this channel: write the body to it, as it arrives and while the channel
   * is writable; {@link #writable()} says when to go on.
   */
  void sendBody(Channel origin);

  /** The origin channel can take more of the body. */
  void writable();

  /** An interim response (1xx other than 101) arrived; the final response follows. */
  void interim(HttpResponse response);

  /** The final response's head arrived: where its body goes. */
  Flow.Subscriber<List<ByteBuffer>> onHead(HttpResponse response);

  /** Asked after {@link #onHead}: whether giving the body to its subscriber may block. */
  boolean bodyMayBlock();

  /**
   * The exchange is over: the body's subscriber was given its end (null) or its error. Called after
   * that signal, on the thread that gave it.
   */
  void ended(@Nullable Throwable error);

  /** No response head arrived: refused, reset, malformed or timed out. */
  void failed(Throwable error);
}
