package dev.cachet.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyOptionsTest {
  @Test
  void defaults_areLoopback8080InMemory64MiB() {
    ProxyOptions o = ProxyOptions.parse(List.of("--origin", "http://example.com"));
    assertThat(o.listen().getPort()).isEqualTo(8080);
    assertThat(o.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(o.origin()).isEqualTo(URI.create("http://example.com"));
    assertThat(o.storageDirectory()).isEmpty();
    assertThat(o.maxBytes()).isEqualTo(64L << 20);
  }

  @Test
  void everyOption_inBothForms() {
    ProxyOptions o =
        ProxyOptions.parse(
            List.of(
                "--listen=[::1]:0",
                "--origin",
                "https://example.com/base/",
                "--storage",
                "cache-dir",
                "--max-bytes=2g"));
    assertThat(o.listen().getPort()).isZero();
    assertThat(o.listen().getAddress().getHostAddress()).contains(":");
    assertThat(o.origin().getPath()).isEqualTo("/base/");
    assertThat(o.storageDirectory()).isEqualTo(Optional.of(Path.of("cache-dir")));
    assertThat(o.maxBytes()).isEqualTo(2L << 30);
  }

  @Test
  void sizes_takeBinarySuffixes() {
    assertThat(ProxyOptions.parseSize("512", "--max-bytes")).isEqualTo(512);
    assertThat(ProxyOptions.parseSize("4k", "--max-bytes")).isEqualTo(4096);
    assertThat(ProxyOptions.parseSize("3M", "--max-bytes")).isEqualTo(3L << 20);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseSize("-1", "--max-bytes"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseSize("k", "--max-bytes"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseSize("999999999999999999g", "--max-bytes"));
  }

  @Test
  void origin_mustBeHttpWithHostAndNoQuery() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseOrigin("example.com"))
        .withMessageContaining("http or https");
    assertThatIllegalArgumentException().isThrownBy(() -> ProxyOptions.parseOrigin("http:///x"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseOrigin("http://u:p@example.com"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parseOrigin("http://example.com/#top"));
  }
}
