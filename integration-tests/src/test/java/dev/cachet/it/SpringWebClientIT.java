package dev.cachet.it;

import java.net.URI;
import java.net.http.HttpClient;

/** The framework contract through Spring's WebClient. */
class SpringWebClientIT extends FrameworkContract {
  @Override
  Framework framework(HttpClient client, URI base) {
    return Spring.webClient(client, base);
  }
}
