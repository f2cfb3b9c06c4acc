package dev.cachet.proxy.internal;

import dev.cachet.engine.Origin;
import dev.cachet.engine.ResponseHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * One request the engine sends to the origin through an {@link Exchange}: the origin client's
 * {@link OriginCall}, which hands the response head to the engine's {@link ResponseHandler} and
 * completes {@link #result()} as {@link Origin#send} promises. A foreground call also relays the
 * client's request body and interim responses, and tells the exchange the origin's status line; a
 * background revalidation touches the client's exchange not at all.
 */
final class RelayedCall implements OriginCall {
  private final Exchange exchange;
  private final HttpRequest head;
  private final boolean foreground;
  private final boolean withBody;
  private final ResponseHandler responses;
  private final CompletableFuture<Void> result = new CompletableFuture<>();

  /**
   * @param head the request head to send
   * @param foreground true for the client's own request, false for a background revalidation
   * @param withBody true when the client's request body follows the head
   */
  RelayedCall(
      Exchange exchange,
      HttpRequest head,
      boolean foreground,
      boolean withBody,
      ResponseHandler responses) {
    this.exchange = exchange;
    this.head = head;
    this.foreground = foreground;
    this.withBody = withBody;
    this.responses = responses;
  }

  /** Completes when the exchange with the origin is over, as {@link Origin#send} returns it. */
  CompletableFuture<Void> result() {
    return result;
  }

  @Override
  public HttpRequest head() {
    return head;
  }

  @Override
  public boolean hasBody() {
    return withBody;
  }

  @Override
  public void sendBody(Channel origin) {
    exchange.relayBodyTo(origin);
  }

  @Override
  public void writable() {
    exchange.originWritable();
  }

  @Override
  public void interim(HttpResponse response) {
    if (foreground) {
      exchange.interim(response);
    }
  }

  @Override
  public Flow.Subscriber<List<ByteBuffer>> onHead(HttpResponse response) {
    if (foreground) {
      exchange.originLine(response);
    }
    HttpResponseStatus status = response.status();
    // RP-03: a phrase of the origin's own is kept with a stored response; the standard one is not.
    String phrase = status.reasonPhrase();
    return responses.onHead(
        status.code(),
        OriginRequests.fields(response.headers()),
        Optional.of(response.protocolVersion().text()),
        phrase.equals(HttpResponseStatus.valueOf(status.code()).reasonPhrase())
            ? Optional.empty()
            : Optional.of(phrase));
  }

  @Override
  public void ended(@Nullable Throwable error) {
    // Origin#send: the future completes when the exchange with the origin is over.
    if (error == null) {
      result.complete(null);
    } else {
      result.completeExceptionally(error);
    }
  }

  @Override
  public boolean bodyMayBlock() {
    return responses.bodyMayBlock();
  }

  @Override
  public void failed(Throwable error) {
    result.completeExceptionally(error);
  }
}
