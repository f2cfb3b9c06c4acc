package dev.cachet.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the caching rules need from a response's header fields, parsed once per response and kept
 * with it, so that a lookup reads parsed values instead of parsing again. A stored response keeps
 * its facts as long as it is stored, so they are held as primitives (times in epoch seconds: HTTP
 * dates have no finer precision) and handed out as {@code Optional}s only when asked.
 */
public final class ResponseFacts {
  private static final long ABSENT = Long.MIN_VALUE;

  private final Directives cacheControl;
  private final long date;
  private final long expiresAt;
  private final long lastModified;
  private final long age;
  private final long contentLength;
  private final @Nullable String etag;
  private final List<String> varyNames;
  private final ExpiresState expires;
  private final boolean varyStar;
  private final boolean varyMalformed;

  private ResponseFacts(
      Directives cacheControl,
      Optional<Instant> date,
      ExpiresState expires,
      Optional<Instant> expiresAt,
      long age,
      Optional<Instant> lastModified,
      Optional<String> etag,
      List<String> varyNames,
      boolean varyStar,
      boolean varyMalformed,
      OptionalLong contentLength) {
    this.cacheControl = cacheControl;
    this.date = date.map(Instant::getEpochSecond).orElse(ABSENT);
    this.expires = expires;
    this.expiresAt = expiresAt.map(Instant::getEpochSecond).orElse(ABSENT);
    this.age = age;
    this.lastModified = lastModified.map(Instant::getEpochSecond).orElse(ABSENT);
    this.etag = etag.orElse(null);
    this.varyNames = varyNames;
    this.varyStar = varyStar || varyMalformed;
    this.varyMalformed = varyMalformed;
    this.contentLength = contentLength.orElse(ABSENT);
  }

  /** The {@code Cache-Control} directives (RFC 9111 §5.2). */
  public Directives cacheControl() {
    return cacheControl;
  }

  /** The {@code Date} (RFC 9110 §6.6.1), when present and valid. */
  public Optional<Instant> date() {
    return date == ABSENT ? Optional.empty() : Optional.of(Instant.ofEpochSecond(date));
  }

  /** The {@code Date} in epoch milliseconds, or {@code orElse} when absent or invalid. */
  public long dateMillis(long orElse) {
    return date == ABSENT ? orElse : date * 1000;
  }

  /** The {@code Expires} state (RFC 9111 §5.3). */
  public ExpiresState expires() {
    return expires;
  }

  /** The {@code Expires} instant when {@link #expires()} is {@link ExpiresState#VALID}. */
  public Optional<Instant> expiresAt() {
    return expiresAt == ABSENT ? Optional.empty() : Optional.of(Instant.ofEpochSecond(expiresAt));
  }

  /** The {@code Expires} instant in epoch milliseconds, or {@code orElse} when not valid. */
  public long expiresAtMillis(long orElse) {
    return expiresAt == ABSENT ? orElse : expiresAt * 1000;
  }

  /** The {@code Age} value in seconds (RFC 9111 §5.1); 0 when absent or malformed. */
  public long age() {
    return age;
  }

  /** The {@code Last-Modified}, when present and valid. */
  public Optional<Instant> lastModified() {
    return lastModified == ABSENT
        ? Optional.empty()
        : Optional.of(Instant.ofEpochSecond(lastModified));
  }

  /** The {@code Last-Modified} in epoch milliseconds, or {@code orElse} when absent or invalid. */
  public long lastModifiedMillis(long orElse) {
    return lastModified == ABSENT ? orElse : lastModified * 1000;
  }

  /** The first {@code ETag}, when present and a valid entity-tag. */
  public Optional<String> etag() {
    return Optional.ofNullable(etag);
  }

  /** The lower-cased field names {@code Vary} nominates (RFC 9111 §4.1). */
  public List<String> varyNames() {
    return varyNames;
  }

  /**
   * True when {@code Vary} contains {@code *}, or a member that is not a field name (SEC-05): a
   * response whose secondary key cannot be read must never match, rather than match every request.
   */
  public boolean varyStar() {
    return varyStar;
  }

  /** True when a {@code Vary} member is neither {@code *} nor a field name (a token, §5.6.2). */
  public boolean varyMalformed() {
    return varyMalformed;
  }

  /** The {@code Content-Length}, when present and valid. */
  public OptionalLong contentLength() {
    return contentLength == ABSENT ? OptionalLong.empty() : OptionalLong.of(contentLength);
  }

  /** Whether {@code Expires} is absent, a valid date, or present but unusable. */
  public enum ExpiresState {
    ABSENT,
    VALID,
    /** Not an HTTP-date (e.g. {@code 0}) or several differing values: already expired (F-03). */
    INVALID
  }

  /** Parses the facts from a field-lookup function (name → all field line values). */
  public static ResponseFacts parse(Function<String, List<String>> field) {
    Directives cc = Directives.parse(field.apply("Cache-Control"), true);
    Optional<Instant> date = single(field.apply("Date")).flatMap(HttpDates::parse);

    List<String> expiresLines = field.apply("Expires");
    ExpiresState expires = ExpiresState.ABSENT;
    Optional<Instant> expiresAt = Optional.empty();
    if (!expiresLines.isEmpty()) {
      Optional<Instant> parsed = single(expiresLines).flatMap(HttpDates::parse);
      expires = parsed.isPresent() ? ExpiresState.VALID : ExpiresState.INVALID;
      expiresAt = parsed;
    }

    long age = 0;
    List<String> ageLines = field.apply("Age");
    if (!ageLines.isEmpty()) {
      // Age is a single delta-seconds; a list of values uses the first (RFC 9111 §5.1).
      List<String> members = new ArrayList<>();
      for (String line : ageLines) {
        ListFields.split(line, members);
      }
      if (!members.isEmpty()) {
        age = DeltaSeconds.parse(members.get(0)).orElse(0);
      }
    }

    Optional<Instant> lastModified = single(field.apply("Last-Modified")).flatMap(HttpDates::parse);
    // ETag is a singleton (RFC 9110 §8.8.3): the first line, and only when it is a valid
    // entity-tag; a malformed one (e.g. *) must never reach a conditional request.
    String etag = null;
    for (String line : field.apply("ETag")) {
      String tag = line.trim();
      if (!tag.isEmpty()) {
        etag = EntityTags.isValid(tag) ? tag : null;
        break;
      }
    }

    List<String> varyMembers = new ArrayList<>();
    for (String line : field.apply("Vary")) {
      ListFields.split(line, varyMembers);
    }
    boolean star = false;
    boolean malformed = false;
    List<String> varyNames = new ArrayList<>(varyMembers.size());
    for (String m : varyMembers) {
      if (m.equals("*")) {
        star = true;
      } else if (!ListFields.isToken(m)) {
        // SEC-05: e.g. "*" quoted, or Accept-Language;q=1. Treated as Vary: *, never reused.
        malformed = true;
      } else {
        varyNames.add(SharedStrings.share(m.toLowerCase(Locale.ROOT)));
      }
    }

    OptionalLong contentLength = OptionalLong.empty();
    Optional<String> cl = single(field.apply("Content-Length"));
    if (cl.isPresent()) {
      contentLength = DeltaSeconds.parse(cl.get().trim());
    }

    return new ResponseFacts(
        cc,
        date,
        expires,
        expiresAt,
        age,
        lastModified,
        Optional.ofNullable(etag),
        varyNames.isEmpty() ? List.of() : List.copyOf(varyNames),
        star,
        malformed,
        contentLength);
  }

  /**
   * The value when all field lines agree on one, else empty (duplicates that differ are unusable).
   */
  private static Optional<String> single(List<String> lines) {
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    String first = lines.get(0).trim();
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).trim().equals(first)) {
        return Optional.empty();
      }
    }
    return Optional.of(first);
  }
}
