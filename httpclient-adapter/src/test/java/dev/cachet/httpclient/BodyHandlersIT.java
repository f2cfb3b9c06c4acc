package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of {@code BodyHandler} receives the whole body, on a miss (streamed from the origin
 * while it is stored) and on a hit (replayed from storage), with a body large enough to arrive and
 * be stored in several chunks.
 */
class BodyHandlersIT extends OriginSupport {
  static final String BODY =
      Stream.iterate(0, i -> i + 1)
          .limit(4_000)
          .map(i -> "line " + i)
          .collect(Collectors.joining("\n"));

  /** A handler and how to read what it produced back as text. */
  interface Kind {
    String read(CachingHttpClient client, Setup setup, OriginSupport test) throws Exception;
  }

  static <T> Kind simple(BodyHandler<T> handler, ThrowingFunction<T, String> toText) {
    return (client, setup, test) ->
        toText.apply(setup.send(client, test.request("/body").build(), handler).body());
  }

  interface ThrowingFunction<A, B> {
    B apply(A a) throws Exception;
  }

  static Stream<Arguments> cases() {
    Kind[] kinds = {
      simple(BodyHandlers.ofString(), s -> s),
      simple(BodyHandlers.ofByteArray(), b -> new String(b, StandardCharsets.UTF_8)),
      simple(
          BodyHandlers.ofInputStream(),
          in -> {
            try (InputStream i = in) {
              return new String(i.readAllBytes(), StandardCharsets.UTF_8);
            }
          }),
      simple(BodyHandlers.ofLines(), lines -> lines.collect(Collectors.joining("\n"))),
      simple(BodyHandlers.buffering(BodyHandlers.ofString(), 100), s -> s),
      simple(
          info -> BodySubscribers.mapping(BodySubscribers.ofByteArray(), b -> b.length),
          n -> n == BODY.length() ? BODY : "length " + n),
      simple(BodyHandlers.ofPublisher(), BodyHandlersIT::collect),
      (client, setup, test) -> {
        Path file = Files.createTempFile(test.dir, "body", ".txt");
        Path got =
            setup.send(client, test.request("/body").build(), BodyHandlers.ofFile(file)).body();
        return Files.readString(got);
      },
      (client, setup, test) -> {
        HttpResponse<Void> r =
            setup.send(client, test.request("/body").build(), BodyHandlers.discarding());
        return r.body() == null && r.statusCode() == 200 ? BODY : "unexpected";
      },
    };
    String[] names = {
      "ofString",
      "ofByteArray",
      "ofInputStream",
      "ofLines",
      "buffering",
      "custom",
      "ofPublisher",
      "ofFile",
      "discarding"
    };
    return Setup.all()
        .flatMap(
            setup ->
                Stream.iterate(0, i -> i + 1)
                    .limit(kinds.length)
                    .map(i -> Arguments.of(setup, names[i], kinds[i])));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void missAndHit_deliverTheWholeBody(Setup setup, String name, Kind kind) throws Exception {
    origin.stubFor(get("/body").willReturn(ok(BODY).withHeader("Cache-Control", "max-age=60")));
    CachingHttpClient client = client(setup);

    String miss = kind.read(client, setup, this);
    String hit = kind.read(client, setup, this);

    assertThat(miss).isEqualTo(BODY);
    assertThat(hit).isEqualTo(BODY);
    assertThat(originGets("/body")).isEqualTo(1);
    assertThat(client.statistics().hits()).isEqualTo(1);
  }

  /** Reads a publisher of buffer lists as the JDK's ofPublisher hands it out. */
  static String collect(Flow.Publisher<List<ByteBuffer>> publisher) throws Exception {
    CompletableFuture<String> done = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<>() {
          final StringBuilder sb = new StringBuilder();
          final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(List<ByteBuffer> item) {
            for (ByteBuffer b : item) {
              byte[] a = new byte[b.remaining()];
              b.get(a);
              out.writeBytes(a);
            }
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            sb.append(out.toString(StandardCharsets.UTF_8));
            done.complete(sb.toString());
          }
        });
    return done.get(30, TimeUnit.SECONDS);
  }
}
