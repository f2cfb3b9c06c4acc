package dev.cachet.core;

import dev.cachet.core.internal.EntityTags;
import dev.cachet.core.internal.HttpDates;
import dev.cachet.core.internal.RequestFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Validation (RFC 9111 §4.3): conditional requests, selecting what a 304 freshens, and 304s. */
final class Validators {
  /** Newest {@code Date} first, then newest response time (R4-04). */
  static final Comparator<StoredPair> NEWEST_FIRST =
      Comparator.comparing((StoredPair p) -> p.response().facts().date().orElse(p.responseTime()))
          .thenComparing(StoredPair::responseTime)
          .reversed();

  private Validators() {}

  /**
   * V-01: the conditional request for revalidating {@code selected}: the original request with
   * {@code If-None-Match} listing the entity tags of all stored responses for the key and {@code
   * If-Modified-Since} from the selected response's {@code Last-Modified} (§4.3.1). The client's
   * own precondition fields are replaced.
   */
  static Request conditional(Request request, StoredPair selected, List<StoredPair> all) {
    Headers h = request.headers().without("If-None-Match", "If-Modified-Since");
    Set<String> tags = new LinkedHashSet<>();
    selected.response().facts().etag().ifPresent(tags::add);
    for (StoredPair p : all) {
      p.response().facts().etag().ifPresent(tags::add);
    }
    if (!tags.isEmpty()) {
      h = h.plus("If-None-Match", String.join(", ", tags));
    }
    Optional<Instant> lastModified = selected.response().facts().lastModified();
    if (lastModified.isPresent()) {
      h = h.plus("If-Modified-Since", HttpDates.format(lastModified.get()));
    }
    return request.withHeaders(h);
  }

  /**
   * V-02: the stored responses a 304 identifies for update (§4.3.4): with a strong entity tag, all
   * with the same strong tag; with a weak tag, the most recent weakly matching one; with only
   * {@code Last-Modified}, the most recent with that date; with no validator field at all, the
   * single stored response when it has no entity tag (O-08). A 304 need not repeat {@code
   * Last-Modified} (RFC 9110 §15.4.5), so one answering the cache's {@code If-Modified-Since} for
   * one stored response refers to it; but a 304 must repeat an {@code ETag}, and one whose
   * validator fields do not parse (a garbled {@code Last-Modified}, say) cannot be known to
   * describe the stored response. Such a 304 updates nothing, and the request is sent again
   * unconditionally.
   */
  static List<StoredPair> selectedBy304(
      Response notModified, List<StoredPair> nominated, boolean askedWithEntityTags) {
    // nominated: the initial set of §4.3.4, the stored responses that could have been chosen.
    var facts = notModified.facts();
    if (facts.etag().isPresent()) {
      String tag = facts.etag().get();
      if (!EntityTags.isWeak(tag)) {
        List<StoredPair> selected = new ArrayList<>(1);
        for (StoredPair p : nominated) {
          Optional<String> stored = p.response().facts().etag();
          if (stored.isPresent() && EntityTags.strongMatch(stored.get(), tag)) {
            selected.add(p);
          }
        }
        return selected;
      }
      return nominated.stream()
          .filter(
              p ->
                  p.response().facts().etag().filter(t -> EntityTags.weakMatch(t, tag)).isPresent())
          .sorted(NEWEST_FIRST)
          .limit(1)
          .toList();
    }
    if (facts.lastModified().isPresent()) {
      Instant lm = facts.lastModified().get();
      return nominated.stream()
          .filter(p -> p.response().facts().lastModified().filter(lm::equals).isPresent())
          .sorted(NEWEST_FIRST)
          .limit(1)
          .toList();
    }
    boolean noValidatorFields =
        !notModified.headers().contains("ETag") && !notModified.headers().contains("Last-Modified");
    // With If-None-Match sent, the origin ignored If-Modified-Since (RFC 9110 §13.2.2), so a
    // 304 without validators then says nothing about a response that has only Last-Modified.
    if (noValidatorFields
        && !askedWithEntityTags
        && nominated.size() == 1
        && nominated.get(0).response().facts().etag().isEmpty()) {
      return nominated;
    }
    return List.of();
  }

  /**
   * V-06: whether a client's conditional request is satisfied by the stored response, so that the
   * cache answers 304 (RFC 9111 §4.3.2; RFC 9110 §13.1.2 with weak comparison, §13.1.3). Without
   * {@code Last-Modified} and {@code Date}, {@code If-Modified-Since} is compared with the time the
   * stored response was received.
   */
  static boolean clientConditionMatches(RequestFacts req, StoredPair pair) {
    Response stored = pair.response();
    if (stored.status() != 200) {
      return false;
    }
    var facts = stored.facts();
    if (!req.ifNoneMatch().isEmpty()) {
      if (facts.etag().isEmpty()) {
        return req.ifNoneMatch().contains("*");
      }
      String tag = facts.etag().get();
      for (String t : req.ifNoneMatch()) {
        if (t.equals("*") || EntityTags.weakMatch(t, tag)) {
          return true;
        }
      }
      return false;
    }
    if (req.ifModifiedSince().isPresent()) {
      // §4.3.2: without Last-Modified, use the stored Date, else the time it was received.
      Instant since = req.ifModifiedSince().get();
      Instant modified = facts.lastModified().or(facts::date).orElseGet(pair::responseTime);
      return !modified.isAfter(since);
    }
    return false;
  }

  /**
   * The 304 a cache sends for a satisfied conditional request: the fields RFC 9110 §15.4.5 lists
   * that the 200 would carry.
   */
  static Response notModifiedFrom(Response served) {
    List<String> keep =
        List.of(
            "cache-control",
            "content-location",
            "date",
            "etag",
            "expires",
            "vary",
            "last-modified",
            "age",
            "cdn-cache-control");
    Headers h =
        served.headers().withoutIf(n -> !keep.contains(n.toLowerCase(java.util.Locale.ROOT)));
    return Response.of(304, h);
  }

  /**
   * V-05: whether a 200 response to HEAD matches a stored GET response closely enough to update it
   * (RFC 9111 §4.3.5): equal values for every validator the HEAD response carries, and an equal
   * {@code Content-Length} when it carries one.
   */
  static boolean headMatches(Response head, Response stored) {
    var h = head.facts();
    var s = stored.facts();
    if (h.etag().isPresent() && !h.etag().equals(s.etag())) {
      return false;
    }
    if (h.lastModified().isPresent() && !h.lastModified().equals(s.lastModified())) {
      return false;
    }
    return h.contentLength().isEmpty() || h.contentLength().equals(s.contentLength());
  }

  static List<StoredPair> newestFirst(List<StoredPair> pairs) {
    List<StoredPair> sorted = new ArrayList<>(pairs);
    sorted.sort(NEWEST_FIRST);
    return sorted;
  }
}
