package dev.cachet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void nullMessage_isSaidInWords_notAsNull() {
    assertThat(Errors.describe(new ConnectException()))
        .isEqualTo("cannot connect (connection refused or unreachable)");
    assertThat(Errors.describe(new IOException())).isEqualTo("IOException");
  }

  @Test
  void fileSystemExceptions_sayWhatWentWrongWithThePath() {
    assertThat(Errors.describe(new NoSuchFileException("/proc/cachet-x")))
        .isEqualTo("/proc/cachet-x (no such file or directory)");
    assertThat(Errors.describe(new AccessDeniedException("/root/cache")))
        .isEqualTo("/root/cache (permission denied)");
    assertThat(Errors.describe(new FileSystemException("/a", null, "Read-only file system")))
        .isEqualTo("/a (Read-only file system)");
  }

  @Test
  void aboutAFileTheCallerNames_saysOnlyWhatWentWrong() {
    assertThat(
            Errors.describe(new NoSuchFileException("/proc/cachet-x"), Path.of("/proc/cachet-x")))
        .isEqualTo("no such file or directory");
    assertThat(Errors.describe(new NoSuchFileException("/elsewhere"), Path.of("/proc/cachet-x")))
        .isEqualTo("/elsewhere (no such file or directory)");
  }

  @Test
  void causes_areAppended_onceEach() {
    IOException e =
        new IOException("cannot fetch http://x/", new ConnectException("Connection refused"));
    assertThat(Errors.describe(e)).isEqualTo("cannot fetch http://x/: Connection refused");

    IOException repeated = new IOException("boom", new IOException("boom"));
    assertThat(Errors.describe(repeated)).isEqualTo("boom");
  }

  @Test
  void anErrorMadeBecauseOfAnother_isDescribedByItsOwnMessage() {
    IOException e =
        Errors.because(
            "cannot keep the cache in /proc/cachet-x",
            new NoSuchFileException("/proc/cachet-x"),
            Path.of("/proc/cachet-x"));

    assertThat(e.getCause()).isInstanceOf(NoSuchFileException.class);
    assertThat(Errors.describe(e))
        .isEqualTo("cannot keep the cache in /proc/cachet-x: no such file or directory");
  }
}
