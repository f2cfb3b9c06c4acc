package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.temporaryRedirect;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a caller sees through a {@link CachingHttpClient} is what it sees through a plain {@link
 * HttpClient} for the same exchange: status, headers (but {@code Cache-Status} and {@code Age},
 * which only a cache adds), body, {@code version()}, {@code uri()}, the {@code previousResponse()}
 * chain, and the exceptions thrown, on a miss and on a hit, for every {@code BodyHandler} the JDK
 * offers, through {@code send} and {@code sendAsync}, with memory and file storage.
 *
 * <p>Both clients are configured alike and left at the JDK's default version ({@code HTTP_2})
 * against an origin that answers in HTTP/1.1, with an {@link Authenticator} and redirects followed.
 * A hit is compared with the plain client's second exchange, a miss with its first. {@link
 * Http2ParityIT} makes the same comparison over HTTP/2 on TLS.
 *
 * <p>One difference is by design: a hit has no hop-by-hop fields ({@code Transfer-Encoding:
 * chunked} and the like, RFC 9110 §7.6.1), which describe one connection's framing and are not
 * stored (RFC 9111 §3.1, core's S3-08); a hit came over no connection. So a hit is compared without
 * them.
 */
class ParityIT extends OriginSupport {
  static final String TEXT =
      IntStream.range(0, 3_000)
          .mapToObj(i -> "line " + i + " é")
          .collect(Collectors.joining("\n", "", "\n"));
  static final String CREDENTIALS =
      "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));

  /** An origin that refuses the cleartext HTTP/2 upgrade: both clients fall back to HTTP/1.1. */
  @BeforeAll
  static void startOrigin() {
    origin =
        new WireMockServer(
            options().bindAddress("127.0.0.1").dynamicPort().http2PlainDisabled(true));
    origin.start();
  }

  private final List<AutoCloseable> plainClients = new ArrayList<>();

  @AfterEach
  void closePlainClients() throws Exception {
    for (AutoCloseable c : plainClients) {
      c.close();
    }
  }

  static Authenticator alice() {
    return new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication("alice", "pw".toCharArray());
      }
    };
  }

  HttpClient plain() {
    HttpClient c =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .authenticator(alice())
            .build();
    if (c instanceof AutoCloseable closeable) {
      plainClients.add(closeable); // Java 21 and later
    }
    return c;
  }

  CachingHttpClient cached(Setup setup) throws IOException {
    return client(
        setup,
        b ->
            b.version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .authenticator(alice()));
  }

  // ---- what the caller sees ----

  /** A response as the caller sees it, but the fields only a cache adds. */
  record View(
      int status,
      Map<String, List<String>> headers,
      String body,
      HttpClient.Version version,
      URI uri,
      List<View> chain) {}

  static View view(HttpResponse<?> r, String body) {
    Map<String, List<String>> headers = new TreeMap<>();
    r.headers()
        .map()
        .forEach(
            (name, values) -> {
              String n = name.toLowerCase(Locale.ROOT);
              if (!n.equals("cache-status") && !n.equals("age")) {
                headers.put(n, values);
              }
            });
    List<View> chain = new ArrayList<>();
    for (Optional<? extends HttpResponse<?>> p = r.previousResponse();
        p.isPresent();
        p = p.get().previousResponse()) {
      assertThat(p.get().body()).as("a previous response's body").isNull();
      chain.add(view(p.get(), null));
    }
    return new View(r.statusCode(), headers, digest(body), r.version(), r.uri(), chain);
  }

  /** The view without hop-by-hop fields, here and down the chain: what a stored response keeps. */
  static View withoutHopByHop(View v) {
    Map<String, List<String>> headers = new TreeMap<>(v.headers());
    headers.keySet().removeAll(dev.cachet.core.Headers.HOP_BY_HOP);
    List<View> chain =
        v.chain().stream().map(ParityIT::withoutHopByHop).collect(Collectors.toList());
    return new View(v.status(), headers, v.body(), v.version(), v.uri(), chain);
  }

  /**
   * A hit against the plain client's exchange: all but hop-by-hop fields are the same, and the
   * chain but the authentication challenges (401, 407) the plain exchange answered on the wire: a
   * hit made no exchange, so it answered none.
   */
  static void assertHitLooksLike(View hit, View plain) {
    View expected = withoutHopByHop(plain);
    List<View> chain =
        expected.chain().stream()
            .filter(v -> v.status() != 401 && v.status() != 407)
            .map(v -> new View(v.status(), v.headers(), v.body(), v.version(), v.uri(), List.of()))
            .collect(Collectors.toList());
    View actual = withoutHopByHop(hit);
    List<View> actualChain =
        actual.chain().stream()
            .map(v -> new View(v.status(), v.headers(), v.body(), v.version(), v.uri(), List.of()))
            .collect(Collectors.toList());
    assertThat(
            new View(
                actual.status(),
                actual.headers(),
                actual.body(),
                actual.version(),
                actual.uri(),
                actualChain))
        .isEqualTo(
            new View(
                expected.status(),
                expected.headers(),
                expected.body(),
                expected.version(),
                expected.uri(),
                chain));
  }

  /** The body in a form short enough to show in a failure: length, hash and first characters. */
  static String digest(String body) {
    if (body == null) {
      return null;
    }
    return body.length()
        + " chars, hash "
        + Integer.toHexString(body.hashCode())
        + ": "
        + body.substring(0, Math.min(40, body.length())).replace("\n", "|");
  }

  /** An exception as the caller sees it: its class and its cause's. */
  static String exception(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e.getClass().getName()
        + (e.getCause() == null ? "" : " caused by " + e.getCause().getClass().getName());
  }

  // ---- every BodyHandler the JDK offers ----

  /** Sends a request with one kind of handler and reads what the caller got back as text. */
  interface Kind {
    View exchange(HttpClient client, Setup setup, HttpRequest request, Path dir) throws Exception;
  }

  static <T> Kind kind(BodyHandler<T> handler, Reader<T> reader) {
    return (client, setup, request, dir) -> {
      HttpResponse<T> r = setup.send(client, request, handler);
      return view(r, reader.read(r.body()));
    };
  }

  interface Reader<T> {
    String read(T body) throws Exception;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Collects a body's buffers, as a subscriber of the caller's own would. */
  static final class Collecting implements Flow.Subscriber<List<ByteBuffer>> {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CompletableFuture<String> done = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      for (ByteBuffer b : item) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        bytes.writeBytes(a);
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(bytes.toString(StandardCharsets.UTF_8));
    }

    String get() throws Exception {
      return done.get(30, TimeUnit.SECONDS);
    }
  }

  /** Collects lines, as a caller's line subscriber would. */
  static final class Lines implements Flow.Subscriber<String> {
    final List<String> lines = new ArrayList<>();
    final CompletableFuture<String> done = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      lines.add(item);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(String.join("\n", lines));
    }
  }

  static final AtomicInteger FILES = new AtomicInteger();

  static Stream<Arguments> handlers() {
    Map<String, Kind> kinds = new java.util.LinkedHashMap<>();
    kinds.put("ofString", kind(BodyHandlers.ofString(), s -> s));
    kinds.put(
        "ofString(charset)", kind(BodyHandlers.ofString(StandardCharsets.ISO_8859_1), s -> s));
    kinds.put("ofByteArray", kind(BodyHandlers.ofByteArray(), ParityIT::utf8));
    kinds.put(
        "ofInputStream",
        kind(
            BodyHandlers.ofInputStream(),
            in -> {
              try (InputStream i = in) {
                return utf8(i.readAllBytes());
              }
            }));
    kinds.put(
        "ofLines", kind(BodyHandlers.ofLines(), lines -> lines.collect(Collectors.joining("\n"))));
    kinds.put(
        "ofFile",
        (client, setup, request, dir) -> {
          Path file = dir.resolve("body-" + FILES.incrementAndGet() + ".txt");
          HttpResponse<Path> r = setup.send(client, request, BodyHandlers.ofFile(file));
          return view(r, (r.body().equals(file) ? "" : "other path ") + Files.readString(r.body()));
        });
    kinds.put(
        "ofFile(options)",
        (client, setup, request, dir) -> {
          Path file = dir.resolve("body-" + FILES.incrementAndGet() + ".txt");
          HttpResponse<Path> r =
              setup.send(
                  client,
                  request,
                  BodyHandlers.ofFile(
                      file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
          return view(r, (r.body().equals(file) ? "" : "other path ") + Files.readString(r.body()));
        });
    kinds.put(
        "ofFileDownload",
        (client, setup, request, dir) -> {
          Path downloads =
              Files.createDirectories(dir.resolve("downloads-" + FILES.incrementAndGet()));
          HttpResponse<Path> r =
              setup.send(
                  client,
                  request,
                  BodyHandlers.ofFileDownload(
                      downloads, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
          return view(r, downloads.relativize(r.body()) + ": " + Files.readString(r.body()));
        });
    kinds.put(
        "ofByteArrayConsumer",
        (client, setup, request, dir) -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          AtomicInteger ends = new AtomicInteger();
          HttpResponse<Void> r =
              setup.send(
                  client,
                  request,
                  BodyHandlers.ofByteArrayConsumer(
                      chunk -> {
                        if (chunk.isPresent()) {
                          out.writeBytes(chunk.get());
                        } else {
                          ends.incrementAndGet();
                        }
                      }));
          return view(r, r.body() + " " + ends + " " + out.toString(StandardCharsets.UTF_8));
        });
    kinds.put(
        "ofPublisher",
        kind(
            BodyHandlers.ofPublisher(),
            publisher -> {
              Collecting c = new Collecting();
              publisher.subscribe(c);
              return c.get();
            }));
    kinds.put("discarding", kind(BodyHandlers.discarding(), v -> String.valueOf(v)));
    kinds.put("replacing", kind(BodyHandlers.replacing("replaced"), s -> s));
    kinds.put(
        "fromSubscriber",
        (client, setup, request, dir) -> {
          Collecting c = new Collecting();
          HttpResponse<Void> r = setup.send(client, request, BodyHandlers.fromSubscriber(c));
          return view(r, r.body() + " " + c.get());
        });
    kinds.put(
        "fromSubscriber(finisher)",
        (client, setup, request, dir) -> {
          Collecting c = new Collecting();
          HttpResponse<String> r =
              setup.send(
                  client, request, BodyHandlers.fromSubscriber(c, s -> s.bytes.size() + " bytes"));
          return view(r, r.body() + " " + c.get());
        });
    kinds.put(
        "fromLineSubscriber",
        (client, setup, request, dir) -> {
          Lines l = new Lines();
          HttpResponse<Void> r = setup.send(client, request, BodyHandlers.fromLineSubscriber(l));
          return view(r, r.body() + " " + l.done.get(30, TimeUnit.SECONDS));
        });
    kinds.put(
        "fromLineSubscriber(finisher, separator)",
        (client, setup, request, dir) -> {
          Lines l = new Lines();
          HttpResponse<Integer> r =
              setup.send(
                  client, request, BodyHandlers.fromLineSubscriber(l, s -> s.lines.size(), "\n"));
          return view(r, r.body() + " " + l.done.get(30, TimeUnit.SECONDS));
        });
    kinds.put("buffering", kind(BodyHandlers.buffering(BodyHandlers.ofString(), 100), s -> s));
    return Setup.all()
        .flatMap(
            setup ->
                kinds.entrySet().stream().map(e -> Arguments.of(setup, e.getKey(), e.getValue())));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("handlers")
  void everyBodyHandler_missAndHit_lookAsThroughAPlainClient(Setup setup, String name, Kind kind)
      throws Exception {
    String path = "/handler/" + name.replaceAll("[^A-Za-z]", "");
    origin.stubFor(
        get(path)
            .willReturn(
                ok(TEXT)
                    .withHeader("Content-Type", "text/plain; charset=utf-8")
                    .withHeader("Content-Disposition", "attachment; filename=\"data.txt\"")
                    .withHeader("ETag", "\"1\"")
                    .withHeader("Cache-Control", "max-age=60")));
    HttpClient plain = plain();
    CachingHttpClient cached = cached(setup);
    HttpRequest request = request(path).build();
    Path plainDir = Files.createDirectories(dir.resolve("plain"));
    Path cachedDir = Files.createDirectories(dir.resolve("cached"));

    View plainFirst = kind.exchange(plain, setup, request, plainDir);
    View miss = kind.exchange(cached, setup, request, cachedDir);
    View plainSecond = kind.exchange(plain, setup, request, plainDir);
    View hit = kind.exchange(cached, setup, request, cachedDir);

    assertThat(plainFirst.status()).isEqualTo(200);
    assertThat(miss).isEqualTo(plainFirst);
    assertHitLooksLike(hit, plainSecond);
    assertThat(cached.statistics().hits()).as("the second exchange was a hit").isEqualTo(1);
    assertThat(originGets(path)).isEqualTo(3);
  }

  // ---- chains, statuses and exceptions, with one handler ----

  View exchange(HttpClient client, Setup setup, String path) throws Exception {
    HttpResponse<String> r = setup.send(client, request(path).build(), BodyHandlers.ofString());
    return view(r, r.body());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void redirectsAndAuthentication_giveTheSameChain(Setup setup) throws Exception {
    origin.stubFor(
        get("/moved")
            .willReturn(temporaryRedirect("/login").withHeader("Cache-Control", "max-age=60")));
    origin.stubFor(
        get("/login")
            .willReturn(status(401).withHeader("WWW-Authenticate", "Basic realm=\"cachet\"")));
    origin.stubFor(
        get("/login")
            .withHeader("Authorization", equalTo(CREDENTIALS))
            .willReturn(ok("welcome").withHeader("Cache-Control", "max-age=60")));
    HttpClient plain = plain();
    CachingHttpClient cached = cached(setup);

    View plainFirst = exchange(plain, setup, "/moved");
    View miss = exchange(cached, setup, "/moved");
    View plainSecond = exchange(plain, setup, "/moved");
    View hit = exchange(cached, setup, "/moved");

    assertThat(plainFirst.chain()).extracting(View::status).containsExactly(401, 302);
    assertThat(miss).isEqualTo(plainFirst);
    assertHitLooksLike(hit, plainSecond);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void responsesTheCacheDoesNotStore_lookAsThroughAPlainClient(Setup setup) throws Exception {
    origin.stubFor(get("/nostore").willReturn(ok("fresh").withHeader("Cache-Control", "no-store")));
    origin.stubFor(get("/missing").willReturn(aResponse().withStatus(404).withBody("no")));
    origin.stubFor(get("/empty").willReturn(aResponse().withStatus(204)));
    origin.stubFor(
        get("/chunked")
            .willReturn(
                ok(TEXT).withHeader("Cache-Control", "max-age=60").withChunkedDribbleDelay(3, 30)));
    HttpClient plain = plain();
    CachingHttpClient cached = cached(setup);

    for (String path : List.of("/nostore", "/missing", "/empty", "/chunked")) {
      View plainFirst = exchange(plain, setup, path);
      View first = exchange(cached, setup, path);
      View plainSecond = exchange(plain, setup, path);
      View second = exchange(cached, setup, path);

      assertThat(first).as(path).isEqualTo(plainFirst);
      if (path.equals("/chunked")) {
        assertHitLooksLike(second, plainSecond);
      } else {
        assertThat(second).as(path).isEqualTo(plainSecond);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(CachingHttpClientIT.SETUPS)
  void failures_throwWhatAPlainClientThrows(Setup setup) throws Exception {
    origin.stubFor(get("/slow").willReturn(ok("late").withFixedDelay(3_000)));
    for (String path : List.of("/refuses", "/missing-directory")) {
      origin.stubFor(get(path).willReturn(ok(TEXT).withHeader("Cache-Control", "max-age=60")));
    }
    HttpClient plain = plain();
    CachingHttpClient cached = cached(setup);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path missingDir = dir.resolve("no-such-directory").resolve("body.txt");
    List<Failure> failures =
        List.of(
            new Failure(
                "refused",
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/")).build(),
                BodyHandlers.ofString(),
                false),
            new Failure(
                "timeout",
                request("/slow").timeout(Duration.ofMillis(200)).build(),
                BodyHandlers.ofString(),
                false),
            new Failure(
                "handler throws",
                request("/refuses").build(),
                info -> {
                  throw new IllegalStateException("the handler refuses");
                },
                true),
            new Failure(
                "file in a missing directory",
                request("/missing-directory").build(),
                BodyHandlers.ofFile(missingDir),
                true));

    for (Failure f : failures) {
      // Twice: the second time a cacheable response is stored, and a hit fails as the plain
      // exchange does.
      for (int i = 0; i < 2; i++) {
        if (i == 1) {
          if (!f.storable()) {
            continue;
          }
          setup.send(cached, f.request(), BodyHandlers.discarding());
        }
        String expected = thrown(plain, setup, f);
        String actual = thrown(cached, setup, f);
        if (f.name().equals("timeout")) {
          // The JDK gives a timeout a cause when the connection it tried had expired in its pool,
          // which depends on that client's connections, not on the cache.
          expected = expected.replaceAll(" caused by .*", "");
          actual = actual.replaceAll(" caused by .*", "");
        }
        assertThat(actual).as(f.name() + (i == 0 ? " on a miss" : " on a hit")).isEqualTo(expected);
        assertThat(expected).as(f.name()).isNotEqualTo("nothing thrown");
      }
    }
  }

  record Failure(String name, HttpRequest request, BodyHandler<?> handler, boolean storable) {}

  static String thrown(HttpClient client, Setup setup, Failure f) {
    try {
      setup.send(client, f.request(), f.handler());
      return "nothing thrown";
    } catch (Exception | Error e) {
      if (client instanceof CachingHttpClient && f.name().equals("handler throws")) {
        e.printStackTrace(System.out);
      }
      return exception(e);
    }
  }
}
