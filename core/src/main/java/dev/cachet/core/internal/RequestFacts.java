package dev.cachet.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the caching rules need from a request's header fields (RFC 9111 §5.2.1, §5.4; RFC 9110
 * §13.1).
 *
 * @param cacheControl the request's {@code Cache-Control} directives
 * @param pragmaNoCache true for {@code Pragma: no-cache} with no {@code Cache-Control} (§5.4)
 * @param authorization true when the request carries {@code Authorization}
 * @param ifNoneMatch the entity tags of {@code If-None-Match}; {@code *} is kept as is
 * @param ifModifiedSince the {@code If-Modified-Since} date, when present and valid
 */
public record RequestFacts(
    Directives cacheControl,
    boolean pragmaNoCache,
    boolean authorization,
    List<String> ifNoneMatch,
    Optional<Instant> ifModifiedSince) {

  /** The facts of a request with no header fields. */
  public static final RequestFacts NONE =
      new RequestFacts(Directives.parse(List.of()), false, false, List.of(), Optional.empty());

  /** Parses the facts from a field-lookup function (name → all field line values). */
  public static RequestFacts parse(Function<String, List<String>> field) {
    List<String> ccLines = field.apply("Cache-Control");
    Directives cc = Directives.parse(ccLines);
    boolean pragmaNoCache = false;
    if (ccLines.isEmpty()) {
      List<String> pragma = new ArrayList<>();
      for (String line : field.apply("Pragma")) {
        ListFields.split(line, pragma);
      }
      for (String p : pragma) {
        pragmaNoCache |= p.equalsIgnoreCase("no-cache");
      }
    }
    List<String> inm = new ArrayList<>();
    for (String line : field.apply("If-None-Match")) {
      ListFields.split(line, inm);
    }
    List<String> ims = field.apply("If-Modified-Since");
    Optional<Instant> ifModifiedSince =
        ims.size() == 1 ? HttpDates.parse(ims.get(0)) : Optional.empty();
    return new RequestFacts(
        cc,
        pragmaNoCache,
        !field.apply("Authorization").isEmpty(),
        List.copyOf(inm),
        ifModifiedSince);
  }

  /** True when the request is conditional on validators the cache can evaluate (§4.3.2). */
  public boolean isConditional() {
    return !ifNoneMatch.isEmpty() || ifModifiedSince.isPresent();
  }
}
