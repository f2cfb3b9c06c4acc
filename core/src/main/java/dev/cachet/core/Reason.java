package dev.cachet.core;

import static java.util.Objects.requireNonNull;

/**
 * Why the cache did what it did: the checklist id of the rule, the RFC section that states it and a
 * short phrase. Every outcome that does not reuse or does not store carries one, so "why was this
 * not cached?" has an answer.
 *
 * <p>Reasons are made from the catalogue of rules, {@link Rule}, so that one id means one rule
 * wherever it is reported:
 *
 * <pre>{@code
 * Reason reason = Rule.S3_05.reason();
 * reason.toString(); // "S3-05 private response in a shared cache"
 * }</pre>
 *
 * @param id the rule's id in the catalogue, e.g. {@code S3-05} ({@link Rule#id()})
 * @param section the RFC section, e.g. {@code RFC 9111 §3}
 * @param phrase a short phrase, e.g. {@code private response in a shared cache}
 */
public record Reason(String id, String section, String phrase) {
  /**
   * Creates a reason; {@link Rule#reason()} and its overloads make one from the catalogue.
   *
   * @param id the rule's checklist id, e.g. {@code S3-05}
   * @param section the RFC section, e.g. {@code RFC 9111 §3}
   * @param phrase a short phrase, e.g. {@code private response in a shared cache}
   */
  public Reason {
    requireNonNull(id, "id");
    requireNonNull(section, "section");
    requireNonNull(phrase, "phrase");
  }

  /** The id and the phrase, e.g. {@code S3-05 private response in a shared cache}. */
  @Override
  public String toString() {
    return id + " " + phrase;
  }
}
