package dev.cachet.httpclient.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * Redirects followed by the cache itself, one hop at a time, so that each hop is looked up and
 * stored on its own (a stored 301 is followed without contacting the origin). Mirrors the JDK
 * client: {@code NORMAL} follows all but https→http, {@code ALWAYS} follows all; 303 turns the
 * method into GET (HEAD stays HEAD), 301 and 302 turn POST into GET; at most five hops.
 */
final class Redirects {
  /** The JDK's default {@code jdk.httpclient.redirects.retrylimit}. */
  static final int MAX_HOPS = 5;

  private Redirects() {}

  /** True for the statuses the JDK client follows (RFC 9110 §15.4). */
  static boolean isRedirect(int status) {
    return switch (status) {
      case 301, 302, 303, 307, 308 -> true;
      default -> false;
    };
  }

  /** The request of the next hop, when the policy follows this response. */
  static Optional<HttpRequest> next(
      Redirect policy, HttpRequest request, int status, HttpHeaders headers) {
    if (policy == Redirect.NEVER || !isRedirect(status)) {
      return Optional.empty();
    }
    Optional<String> location = headers.firstValue("Location");
    if (location.isEmpty()) {
      return Optional.empty();
    }
    URI target;
    try {
      target = request.uri().resolve(new URI(location.get().trim()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
    String scheme = target.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || target.getHost() == null) {
      return Optional.empty();
    }
    if (policy == Redirect.NORMAL
        && request.uri().getScheme().equalsIgnoreCase("https")
        && scheme.equalsIgnoreCase("http")) {
      return Optional.empty();
    }
    String method = request.method();
    boolean toGet =
        (status == 303 && !method.equals("HEAD"))
            || ((status == 301 || status == 302) && method.equals("POST"));
    HttpRequest.Builder b = HttpRequest.newBuilder(request, Conversions.ALL).uri(target);
    if (toGet) {
      b = HttpRequest.newBuilder(request, (n, v) -> !isContentField(n)).uri(target).GET();
    }
    return Optional.of(b.build());
  }

  private static boolean isContentField(String name) {
    return name.regionMatches(true, 0, "Content-", 0, 8);
  }
}
