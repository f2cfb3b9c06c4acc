package dev.cachet.httpclient.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Redirects followed by the cache itself, one hop at a time, so that each hop is looked up and
 * stored on its own (a stored 301 is followed without contacting the origin). Mirrors the JDK
 * client: {@code NORMAL} follows all but https→http, {@code ALWAYS} follows all; 303 turns the
 * method into GET (HEAD stays HEAD), 301 and 302 turn POST into GET; at most five hops; a hop to
 * another origin drops {@code Authorization}, {@code Cookie}, {@code Origin} and {@code Referer}.
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
    boolean sameOrigin =
        scheme.equalsIgnoreCase(request.uri().getScheme())
            && target.getRawAuthority().equals(request.uri().getRawAuthority());
    BiPredicate<String, String> keep =
        (n, v) -> (sameOrigin || !isOriginBoundField(n)) && !(toGet && isContentField(n));
    HttpRequest.Builder b = HttpRequest.newBuilder(request, keep).uri(target);
    if (toGet) {
      b.GET();
    }
    return Optional.of(b.build());
  }

  /**
   * The fields the JDK client drops when it follows a redirect to another origin (scheme or
   * authority), so that credentials are not sent where they were not meant to go.
   */
  private static boolean isOriginBoundField(String name) {
    for (String f : ORIGIN_BOUND) {
      if (f.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static final List<String> ORIGIN_BOUND =
      List.of("Authorization", "Cookie", "Origin", "Referer", "Host");

  private static boolean isContentField(String name) {
    return name.regionMatches(true, 0, "Content-", 0, 8);
  }
}
