package dev.cachet.it;

import java.util.Optional;

/** One framework's way of sending what the tests send, on top of a given {@code HttpClient}. */
interface Framework {
  /** A GET whose body the framework reads as text (decompressing it where the framework does). */
  Reply get(String path) throws Exception;

  /** A POST of a text body; the response body is dropped. */
  void post(String path, String body) throws Exception;

  /** What the caller of the framework sees. */
  record Reply(int status, String body, Optional<String> cacheStatus) {}
}
