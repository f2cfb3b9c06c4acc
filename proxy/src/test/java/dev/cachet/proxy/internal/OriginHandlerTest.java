package dev.cachet.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One origin connection carries one exchange after another: a signal that the subscriber of an
 * exchange gives late, once its connection went back to the pool, never reaches the exchange that
 * took the connection next (one client going away must not break another client's response).
 */
class OriginHandlerTest {
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void aLateCancelFromAnEarlierExchange_leavesTheNextExchangeOnTheConnectionAlone()
      throws Exception {
    OriginClient client =
        new OriginClient(
            group, Transport.best(), URI.create("http://127.0.0.1:9"), Duration.ofSeconds(30));
    OriginHandler handler = new OriginHandler(client);
    EmbeddedChannel origin = new EmbeddedChannel(new HttpClientCodec(), handler);

    Call first = new Call();
    handler.start(first, false);
    origin.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    origin.runPendingTasks();
    assertThat(first.ended).as("the first exchange is over").isTrue();
    assertThat(first.body).containsExactly("ok");

    Call second = new Call();
    handler.start(second, true);
    origin.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nse"));
    origin.runPendingTasks();
    // The first exchange's subscriber, which had its end, cancels late (its client went away).
    first.subscription().cancel();
    first.subscription().request(5);
    origin.runPendingTasks();
    assertThat(origin.isActive()).as("the connection stays open").isTrue();
    assertThat(second.ended).as("the second exchange goes on").isFalse();
    origin.writeInbound(bytes("co"));
    origin.runPendingTasks();

    assertThat(second.error).isNull();
    assertThat(second.body).containsExactly("se", "co");
    assertThat(second.ended).as("the second exchange ends as the origin sent it").isTrue();
  }

  private static io.netty.buffer.ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** A GET whose body subscriber asks for one piece at a time. */
  private static final class Call implements OriginCall, Flow.Subscriber<List<ByteBuffer>> {
    final List<String> body = new ArrayList<>();
    boolean ended;
    @Nullable Throwable error;
    private Flow.@Nullable Subscription subscription;

    Flow.Subscription subscription() {
      return java.util.Objects.requireNonNull(subscription);
    }

    @Override
    public HttpRequest head() {
      HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
      r.headers().set("Host", "127.0.0.1");
      return r;
    }

    @Override
    public boolean hasBody() {
      return false;
    }

    @Override
    public void sendBody(Channel origin) {}

    @Override
    public void writable() {}

    @Override
    public void interim(HttpResponse response) {}

    @Override
    public Flow.Subscriber<List<ByteBuffer>> onHead(HttpResponse response) {
      return this;
    }

    @Override
    public boolean bodyMayBlock() {
      return false;
    }

    @Override
    public void ended(@Nullable Throwable e) {
      ended = true;
      error = e;
    }

    @Override
    public void failed(Throwable e) {
      ended = true;
      error = e;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        body.add(StandardCharsets.ISO_8859_1.decode(b).toString());
      }
      subscription().request(1);
    }

    @Override
    public void onError(Throwable e) {
      error = e;
    }

    @Override
    public void onComplete() {}
  }
}
