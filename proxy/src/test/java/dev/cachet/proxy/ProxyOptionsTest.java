package dev.cachet.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.cachet.proxy.internal.OptionsParser;
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
    assertThat(OptionsParser.parseSize("512", "--max-bytes")).isEqualTo(512);
    assertThat(OptionsParser.parseSize("4k", "--max-bytes")).isEqualTo(4096);
    assertThat(OptionsParser.parseSize("3M", "--max-bytes")).isEqualTo(3L << 20);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseSize("-1", "--max-bytes"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseSize("k", "--max-bytes"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseSize("999999999999999999g", "--max-bytes"));
  }

  @Test
  void origin_mustBeHttpWithHostAndNoQuery() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseOrigin("example.com"))
        .withMessageContaining("http or https");
    assertThatIllegalArgumentException().isThrownBy(() -> OptionsParser.parseOrigin("http:///x"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseOrigin("http://u:p@example.com"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OptionsParser.parseOrigin("http://example.com/#top"));
  }
}
