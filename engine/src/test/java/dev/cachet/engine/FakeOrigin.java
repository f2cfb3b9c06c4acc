package dev.cachet.engine;

import dev.cachet.core.Headers;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * An origin in memory: answers each request with the next queued response (or fails when told to),
 * delivering the body on the calling thread as fast as the subscriber asks, and records what it was
 * sent.
 */
final class FakeOrigin implements Origin {
  /** A response to give. */
  record Answer(int status, Headers fields, byte[] body, boolean unreachable) {
    static Answer of(int status, String body, String... fields) {
      Headers h = Headers.empty();
      for (int i = 0; i < fields.length; i += 2) {
        h = h.plus(fields[i], fields[i + 1]);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (!h.contains("Content-Length")) {
        h = h.plus("Content-Length", Integer.toString(bytes.length));
      }
      return new Answer(status, h, bytes, false);
    }

    static Answer unreachableOrigin() {
      return new Answer(0, Headers.empty(), new byte[0], true);
    }
  }

  private final Deque<Answer> answers = new ArrayDeque<>();
  final List<OriginRequest> sent = new ArrayList<>();
  volatile boolean lastBodyMayBlock;

  FakeOrigin answer(Answer a) {
    synchronized (answers) {
      answers.add(a);
    }
    return this;
  }

  @Override
  public CompletableFuture<?> send(OriginRequest request, ResponseHandler responses) {
    Answer a;
    synchronized (answers) {
      sent.add(request);
      a = answers.poll();
    }
    if (a == null || a.unreachable()) {
      return CompletableFuture.failedFuture(new ConnectException("connection refused"));
    }
    Flow.Subscriber<List<ByteBuffer>> s;
    try {
      s = responses.onHead(a.status(), a.fields(), Optional.of("HTTP/1.1"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new IOException(e));
    }
    lastBodyMayBlock = responses.bodyMayBlock();
    deliver(s, a.body());
    return CompletableFuture.completedFuture(null);
  }

  private static void deliver(Flow.Subscriber<List<ByteBuffer>> s, byte[] body) {
    boolean[] cancelled = {false};
    long[] demand = {0};
    s.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            demand[0] += n;
          }

          @Override
          public void cancel() {
            cancelled[0] = true;
          }
        });
    if (body.length > 0 && !cancelled[0]) {
      s.onNext(List.of(ByteBuffer.wrap(body)));
    }
    if (!cancelled[0]) {
      s.onComplete();
    }
  }

  int requests() {
    synchronized (answers) {
      return sent.size();
    }
  }
}
