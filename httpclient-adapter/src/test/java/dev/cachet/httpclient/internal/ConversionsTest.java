package dev.cachet.httpclient.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Between the JDK's HTTP versions and the form RFC 9110 §2.5 writes them in, as pairs keep it. */
class ConversionsTest {

  @Test
  void everyJdkVersion_roundTripsThroughItsName() {
    for (HttpClient.Version v : HttpClient.Version.values()) {
      String name = Conversions.versionName(v);
      assertThat(name).matches("HTTP/\\d(\\.\\d)?");
      assertThat(Conversions.jdkVersion(Optional.of(name), null)).isEqualTo(v);
    }
    assertThat(Conversions.versionName(HttpClient.Version.HTTP_1_1)).isEqualTo("HTTP/1.1");
    assertThat(Conversions.versionName(HttpClient.Version.HTTP_2)).isEqualTo("HTTP/2");
  }

  @Test
  void anUnknownOrAbsentVersion_fallsBack_andHttp10IsTheJdksNearest() {
    HttpClient.Version fallback = HttpClient.Version.HTTP_2;
    assertThat(Conversions.jdkVersion(Optional.empty(), fallback)).isEqualTo(fallback);
    assertThat(Conversions.jdkVersion(Optional.of("HTTP/9"), fallback)).isEqualTo(fallback);
    assertThat(Conversions.jdkVersion(Optional.of("HTTP/1.0"), fallback))
        .isEqualTo(HttpClient.Version.HTTP_1_1);
  }
}
