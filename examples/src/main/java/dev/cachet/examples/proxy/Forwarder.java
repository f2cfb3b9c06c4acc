package dev.cachet.examples.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.core.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The reverse proxy's {@link Handler}: sends each request on to the origin through an {@link
 * HttpClient} (in the proxy, a shared {@code CachingHttpClient}) and turns its answer into the
 * response for the client. Bodies stream both ways. Hop-by-hop fields are removed both ways (RFC
 * 9110 §7.6.1), {@code Via} is appended both ways (§7.6.3), and the {@code Date} of the response
 * passes through unchanged, or is added when the response has none (§6.6.1).
 */
final class Forwarder implements Handler {
  /** Fields the JDK client sets itself and refuses from the caller. */
  private static final String[] CLIENT_SET = {
    "Host", "Connection", "Content-Length", "Expect", "Upgrade"
  };

  private static final String PSEUDONYM = "cachet";

  private final HttpClient client;
  private final String originPrefix;
  private final Optional<Duration> timeout;
  private final Clock clock;
  private final Consumer<String> accessLog;
  private final OriginErrors originErrors;

  /**
   * @param client the client that reaches the origin
   * @param origin the origin's base URI: scheme, authority and an optional path prefix
   * @param timeout how long to wait for the origin's response head, when limited
   * @param clock the clock for a {@code Date} the origin did not send
   * @param accessLog receives one line per exchange
   * @param originErrors the client's listener, which keeps the cache's member of a failed exchange
   */
  Forwarder(
      HttpClient client,
      URI origin,
      Optional<Duration> timeout,
      Clock clock,
      Consumer<String> accessLog,
      OriginErrors originErrors) {
    this.client = requireNonNull(client, "client");
    this.originPrefix = originPrefix(requireNonNull(origin, "origin"));
    this.timeout = requireNonNull(timeout, "timeout");
    this.clock = requireNonNull(clock, "clock");
    this.accessLog = requireNonNull(accessLog, "accessLog");
    this.originErrors = requireNonNull(originErrors, "originErrors");
  }

  /** The origin as {@code scheme://authority/prefix}, without a trailing slash. */
  private static String originPrefix(URI origin) {
    if (!origin.isAbsolute() || origin.getRawAuthority() == null) {
      throw new IllegalArgumentException("origin must be an absolute URI: " + origin);
    }
    String path = origin.getRawPath() == null ? "" : origin.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return origin.getScheme() + "://" + origin.getRawAuthority() + path;
  }

  @Override
  public ProxyResponse handle(RequestHead head, RequestBody body) throws IOException {
    if (head.method().equals("CONNECT")) {
      throw new BadMessage(501, "CONNECT is not supported by a reverse proxy");
    }
    OptionalLong maxForwards = maxForwards(head);
    if (maxForwards.isPresent() && maxForwards.getAsLong() == 0) {
      return answerAsFinalRecipient(head);
    }
    HttpRequest request = toOrigin(head, body);
    HttpResponse<InputStream> response;
    originErrors.clear();
    try {
      response = client.send(request, BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      rethrowBodyFailure(body);
      return gatewayError(head, 504, "the origin did not answer in time");
    } catch (IOException e) {
      rethrowBodyFailure(body);
      return gatewayError(
          head, 502, "the origin could not be reached (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the origin");
    }
    return fromOrigin(head, response);
  }

  /**
   * The {@code Max-Forwards} of a TRACE or OPTIONS request (RFC 9110 §7.6.2); empty for other
   * methods, or when absent or not a number.
   */
  private static OptionalLong maxForwards(RequestHead head) {
    if (!head.method().equals("TRACE") && !head.method().equals("OPTIONS")) {
      return OptionalLong.empty();
    }
    Optional<String> value = head.headers().firstValue("Max-Forwards");
    long n = value.map(RequestBody::parseLength).orElse(-1L);
    return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
  }

  /**
   * RFC 9110 §7.6.2: with {@code Max-Forwards: 0} the proxy answers as the final recipient: OPTIONS
   * with the methods it forwards, TRACE by reflecting the request head as {@code message/http}
   * (§9.3.8), without fields that may carry credentials.
   */
  private ProxyResponse answerAsFinalRecipient(RequestHead head) {
    Headers headers = Headers.of("Date", HttpDate.format(clock.instant()));
    byte[] body = new byte[0];
    if (head.method().equals("OPTIONS")) {
      headers = headers.plus("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE");
    } else {
      StringBuilder sb = new StringBuilder();
      sb.append(head.method()).append(' ').append(head.target());
      sb.append(" HTTP/").append(head.viaVersion()).append("\r\n");
      for (Headers.Field f :
          head.headers().without("Authorization", "Cookie", "Proxy-Authorization").fields()) {
        sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
      }
      body = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
      headers = headers.plus("Content-Type", "message/http");
    }
    accessLog.accept(head.method() + " " + head.target() + " 200 answered by the proxy");
    return new ProxyResponse(
        200, headers, OptionalLong.of(body.length), new ByteArrayInputStream(body));
  }

  /** A failure reading the client's body is the client's, not the origin's. */
  private static void rethrowBodyFailure(RequestBody body) throws IOException {
    IOException failure = body.failure();
    if (failure != null) {
      throw failure;
    }
  }

  private HttpRequest toOrigin(RequestHead head, RequestBody body) throws BadMessage {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(resolve(head.target()))
            .version(HttpClient.Version.HTTP_1_1)
            .method(head.method(), publisher(body));
    timeout.ifPresent(b::timeout);
    Headers headers = HopByHop.strip(head.headers()).without(CLIENT_SET);
    OptionalLong maxForwards = maxForwards(head);
    if (maxForwards.isPresent()) {
      headers = headers.with("Max-Forwards", Long.toString(maxForwards.getAsLong() - 1));
    }
    try {
      for (Headers.Field f : headers.fields()) {
        b.header(f.name(), f.value());
      }
      b.header("Via", head.viaVersion() + " " + PSEUDONYM);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new BadMessage(400, "request cannot be forwarded: " + e.getMessage());
    }
  }

  /**
   * The origin URI for a request target: its path and query appended to the origin's prefix. An
   * absolute-form target (RFC 9112 §3.2.2) contributes only its path and query; a reverse proxy
   * forwards to its one origin.
   */
  private URI resolve(String target) throws BadMessage {
    if (target.equals("*")) {
      throw new BadMessage(501, "asterisk-form requests are not forwarded");
    }
    String pathAndQuery;
    if (target.startsWith("/")) {
      pathAndQuery = target;
    } else {
      URI absolute;
      try {
        absolute = new URI(target);
      } catch (URISyntaxException e) {
        throw new BadMessage(400, "malformed request target");
      }
      if (!absolute.isAbsolute() || absolute.getRawAuthority() == null) {
        throw new BadMessage(400, "malformed request target");
      }
      String path = absolute.getRawPath() == null ? "" : absolute.getRawPath();
      pathAndQuery =
          (path.isEmpty() ? "/" : path)
              + (absolute.getRawQuery() == null ? "" : "?" + absolute.getRawQuery());
    }
    if (pathAndQuery.indexOf('#') >= 0) {
      throw new BadMessage(400, "a request target has no fragment");
    }
    try {
      return new URI(originPrefix + pathAndQuery);
    } catch (URISyntaxException e) {
      throw new BadMessage(400, "malformed request target");
    }
  }

  private static BodyPublisher publisher(RequestBody body) {
    if (body.isEmpty()) {
      return BodyPublishers.noBody();
    }
    BodyPublisher stream = BodyPublishers.ofInputStream(() -> body);
    OptionalLong length = body.length();
    return length.isPresent() ? BodyPublishers.fromPublisher(stream, length.getAsLong()) : stream;
  }

  private ProxyResponse fromOrigin(RequestHead head, HttpResponse<InputStream> response) {
    Headers received = Headers.of(response.headers().map());
    OptionalLong length = OptionalLong.empty();
    Optional<String> declared = received.firstValue("Content-Length");
    if (declared.isPresent() && received.allValues("Content-Length").size() == 1) {
      long v = RequestBody.parseLength(declared.get());
      if (v >= 0) {
        length = OptionalLong.of(v);
      }
    }
    Headers headers = HopByHop.strip(received).without("Content-Length");
    if (!headers.contains("Date")) {
      headers = headers.plus("Date", HttpDate.format(clock.instant()));
    }
    String version = response.version() == HttpClient.Version.HTTP_2 ? "2" : "1.1";
    headers = headers.plus("Via", version + " " + PSEUDONYM);
    accessLog.accept(
        head.method()
            + " "
            + head.target()
            + " "
            + response.statusCode()
            + headers.firstValue("Cache-Status").map(s -> " " + s).orElse(""));
    return new ProxyResponse(response.statusCode(), headers, length, response.body());
  }

  /**
   * The proxy's own answer when the origin failed. Its {@code Cache-Status} is the cache's member
   * for the exchange (RFC 9211: why it went forward), as every other response of the proxy has.
   */
  private ProxyResponse gatewayError(RequestHead head, int status, String message) {
    String cacheStatus = originErrors.take().orElse(OriginErrors.FALLBACK);
    accessLog.accept(
        head.method() + " " + head.target() + " " + status + " " + message + " " + cacheStatus);
    byte[] text =
        (status + " " + Reasons.of(status) + ": " + message + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Headers headers =
        Headers.of(
            "Date",
            HttpDate.format(clock.instant()),
            "Content-Type",
            "text/plain; charset=utf-8",
            "Cache-Status",
            cacheStatus);
    return new ProxyResponse(
        status, headers, OptionalLong.of(text.length), new ByteArrayInputStream(text));
  }
}
