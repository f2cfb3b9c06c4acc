package dev.cachet.core;

import static java.util.Objects.requireNonNull;

/**
 * The catalogue of reasons: every rule id a {@link Reason} may carry, each with the RFC section
 * that states the rule and a short phrase. Most are lines of the project's checklist of <a
 * href="https://www.rfc-editor.org/rfc/rfc9111">RFC 9111</a> (e.g. {@link #S3_05}, §5.2.2.7); a few
 * are Cachet's own ({@link #CFG}, a configured limit; {@link #E_01}, for the I/O side). One id
 * means one rule, wherever it is reported: a new kind of outcome gets a new constant here, never
 * another meaning for an existing id.
 *
 * <p>A reason is made from its rule, with the rule's own phrase or, where an outcome says more, a
 * phrase of its own (and, where the rule spans several sections, the one that applied):
 *
 * <pre>{@code
 * Rule.S3_05.reason();                            // "S3-05 private response in a shared cache"
 * Rule.S3_01.reason("method POST is not cached"); // "S3-01 method POST is not cached"
 * Rule.S3_04.reason("RFC 9111 §5.2.1.5", "no-store in the request");
 * }</pre>
 */
public enum Rule {
  /** Only the methods the cache understands and is configured to cache are stored. */
  S3_01("S3-01", "RFC 9111 §3", "method is not cached"),
  /** A non-final (1xx) response is never stored. */
  S3_02("S3-02", "RFC 9111 §3", "non-final response"),
  /** 206, 304 and a status the cache does not understand with must-understand are not stored. */
  S3_03("S3-03", "RFC 9111 §3", "status is not understood"),
  /** {@code no-store} in the request or the response forbids storing. */
  S3_04("S3-04", "RFC 9111 §3", "no-store in the request or the response"),
  /** A shared cache does not store a {@code private} response. */
  S3_05("S3-05", "RFC 9111 §5.2.2.7", "private response in a shared cache"),
  /** A shared cache stores a response to an authorised request only when the response allows. */
  S3_06(
      "S3-06",
      "RFC 9111 §3.5",
      "request with Authorization and no public, must-revalidate or s-maxage"),
  /** Without explicit freshness, {@code public} or a heuristically cacheable status, no store. */
  S3_07("S3-07", "RFC 9111 §3", "no explicit freshness and status is not heuristically cacheable"),
  /** A stored response is reused only when it matches, is fresh or allowed stale, or validated. */
  R4_01("R4-01", "RFC 9111 §4", "nothing stored for this URI and method"),
  /** Unsafe methods are written through to the origin. */
  R4_03("R4-03", "RFC 9111 §4", "unsafe method written through"),
  /** A stored response is reused only when the fields its {@code Vary} nominates match. */
  R4_05("R4-05", "RFC 9111 §4.1", "no stored response matches the Vary fields"),
  /** The request's {@code no-cache} forces validation. */
  R4_06("R4-06", "RFC 9111 §5.2.1.4", "no-cache in the request"),
  /** The request's {@code max-age}, {@code min-fresh} and {@code max-stale} change what serves. */
  R4_07("R4-07", "RFC 9111 §5.2.1.1–§5.2.1.3", "the request's freshness directives"),
  /** The request's {@code only-if-cached}: answered from the cache or with 504. */
  R4_08("R4-08", "RFC 9111 §5.2.1.7", "only-if-cached"),
  /** A stale response is not served without validation. */
  F_01("F-01", "RFC 9111 §4.2", "stale"),
  /** The stored response's directives forbid serving it stale. */
  X_01("X-01", "RFC 9111 §5.2.2.2", "stale, and its directives forbid serving stale"),
  /** A stale response served where stale-while-revalidate, stale-if-error or an option allow. */
  X_02("X-02", "RFC 9111 §4.2.4", "serving stale"),
  /** A conditional request validates the stored responses. */
  V_01("V-01", "RFC 9111 §4.3.1", "revalidation requested by the caller"),
  /** A 304 freshens the stored responses it selects. */
  V_02("V-02", "RFC 9111 §4.3.4", "the 304 selects no stored response"),
  /** A server error while validating is forwarded, or stale is served where allowed. */
  V_04("V-04", "RFC 9111 §4.3.3", "a server error while validating is not stored"),
  /** A freshened response passes the storage rules again. */
  SEC_01("SEC-01", "RFC 9111 §3.2, §4.3.4", "no longer storable"),
  /** A shared cache does not store {@code Set-Cookie} unless the response opts in. */
  SEC_03("SEC-03", "RFC 9111 §7.3", "Set-Cookie in a shared cache without public or s-maxage"),
  /** An answer to one client's own preconditions or range is not stored. */
  SEC_04(
      "SEC-04",
      "RFC 9111 §3, RFC 9110 §13.1, §14.2",
      "an answer to one client's preconditions or range"),
  /** A {@code Vary} member that is not a field name makes the response {@code Vary: *}. */
  SEC_05("SEC-05", "RFC 9111 §4.1", "Vary that is not a list of field names"),
  /** A response that could never be reused is not stored. */
  SEC_09(
      "SEC-09",
      "RFC 9111 §4.2, §4.3.1",
      "no freshness lifetime and no validator: it could never be reused"),
  /** An override's minimum freshness lifetime made the response fresh. */
  OV_01("OV-01", "CacheOptions override of RFC 9111 §4.2.1", "minimum lifetime"),
  /** An override's maximum freshness lifetime made the response stale. */
  OV_02("OV-02", "CacheOptions override of RFC 9111 §4.2.1", "maximum lifetime"),
  /** An override reused a {@code no-cache} response without revalidation for a while. */
  OV_03(
      "OV-03", "CacheOptions override of RFC 9111 §5.2.2.4", "no-cache revalidated after a delay"),
  /** An override stored a status that is not heuristically cacheable. */
  OV_04("OV-04", "CacheOptions override of RFC 9111 §4.2.2", "status cached by an override"),
  /** An override served stale because the origin could not be reached. */
  OV_05("OV-05", "CacheOptions override of RFC 9111 §4.2.4", "origin unreachable, serving stale"),
  /** Offline mode served what is stored because the origin could not be reached. */
  OV_06("OV-06", "CacheOptions override of RFC 9111 §4.2.4", "offline, serving what is stored"),
  /** A body declared larger than {@link CacheOptions#maximumBodySize()} is not stored. */
  CFG("CFG", "CacheOptions.maximumBodySize", "body larger than the maximum size"),
  /** The I/O side: core decided to store the response, and the storage refused the write. */
  E_01("E-01", "Storage SPI", "the storage refused the write");

  private final String id;
  private final String section;
  private final String phrase;

  Rule(String id, String section, String phrase) {
    this.id = id;
    this.section = section;
    this.phrase = phrase;
  }

  /**
   * {@return the rule's id, as the checklist and {@code docs/CONFORMANCE.md} name it, e.g. {@code
   * S3-05}}
   */
  public String id() {
    return id;
  }

  /** {@return the section that states the rule, e.g. {@code RFC 9111 §5.2.2.7}} */
  public String section() {
    return section;
  }

  /** {@return the rule's own short phrase, e.g. {@code private response in a shared cache}} */
  public String phrase() {
    return phrase;
  }

  /** {@return a reason with this rule's id, section and phrase} */
  public Reason reason() {
    return new Reason(id, section, phrase);
  }

  /**
   * A reason with this rule's id and section and a phrase that says more about this outcome, e.g.
   * {@code method POST is not cached}.
   *
   * @param phrase what more to say about this outcome
   * @return the reason
   * @throws NullPointerException if {@code phrase} is null
   */
  public Reason reason(String phrase) {
    return new Reason(id, section, requireNonNull(phrase, "phrase"));
  }

  /**
   * A reason with this rule's id, the section of the rule that applied (where the rule spans
   * several, e.g. {@code RFC 9111 §5.2.1.5} of S3-04) and a phrase that says more.
   *
   * @param section the section of the rule that applied
   * @param phrase what more to say about this outcome
   * @return the reason
   * @throws NullPointerException if {@code section} or {@code phrase} is null
   */
  public Reason reason(String section, String phrase) {
    return new Reason(id, requireNonNull(section, "section"), requireNonNull(phrase, "phrase"));
  }
}
