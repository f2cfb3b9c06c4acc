package dev.cachet.storage.internal;

import dev.cachet.core.Headers;
import dev.cachet.core.Request;
import dev.cachet.core.StoredPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a file storage keeps of a stored pair's request (checklist SEC-10): its method and URI, the
 * field lines the response's {@code Vary} names (RFC 9111 §4.1 matches on them), and whether it
 * carried {@code Authorization} (RFC 9111 §3.5), as that field with an empty value. Every other
 * field, {@code Cookie} and the value of {@code Authorization} among them, is never written to the
 * disk. {@code Vary: *} keeps no field: such a response matches no later request anyway.
 */
public final class RequestRecord {
  static final String AUTHORIZATION = "Authorization";

  private RequestRecord() {}

  /**
   * The pair as a file storage keeps it: the same pair when its request holds nothing to leave out
   * (most pairs), else a copy whose request holds only what matching needs.
   */
  public static StoredPair of(StoredPair pair) {
    Headers fields = pair.request().headers();
    if (fields.isEmpty()) {
      return pair;
    }
    List<String> vary = pair.response().varyNames();
    List<Headers.Field> kept = new ArrayList<>(fields.size());
    boolean changed = false;
    boolean authorization = false;
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.name(i);
      String value = fields.value(i);
      if (vary.contains(name.toLowerCase(Locale.ROOT))) {
        kept.add(new Headers.Field(name, value));
      } else if (name.equalsIgnoreCase(AUTHORIZATION)) {
        // Only its presence: one line, with an empty value.
        if (!authorization) {
          kept.add(new Headers.Field(name, ""));
        }
        changed |= authorization || !value.isEmpty();
        authorization = true;
      } else {
        changed = true;
      }
    }
    if (!changed) {
      return pair;
    }
    Request request = pair.request().withHeaders(Headers.ofFields(kept));
    return pair.withRequest(request);
  }
}
