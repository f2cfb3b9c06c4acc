package dev.cachet.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A broken storage fails every request; the log says so once, then sums up. */
class StorageErrorLogTest {

  /** One logged record. */
  private record Line(System.Logger.Level level, String message, Throwable thrown) {}

  /** A logger that keeps what it is given. */
  private static final class Recorder implements System.Logger {
    final List<Line> lines = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      lines.add(new Line(level, msg, thrown));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(new Line(level, format, null));
    }

    @Override
    public void log(Level level, Supplier<String> msgSupplier) {
      lines.add(new Line(level, msgSupplier.get(), null));
    }

    List<Line> at(Level level) {
      return lines.stream().filter(l -> l.level() == level).toList();
    }
  }

  @Test
  void theFirstFailureIsLoggedWithItsTrace_laterOnesSummedUpOnceAMinute() {
    Recorder recorder = new Recorder();
    AtomicLong now = new AtomicLong();
    StorageErrorLog log = new StorageErrorLog(recorder, now::get);
    URI uri = URI.create("http://127.0.0.1/a");

    for (int i = 0; i < 100; i++) {
      log.log(uri, new IOException("disk gone " + i));
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // 100 failures in 10 s
    }

    List<Line> warnings = recorder.at(System.Logger.Level.WARNING);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).thrown()).hasMessage("disk gone 0");
    assertThat(recorder.at(System.Logger.Level.DEBUG)).hasSize(100);

    now.addAndGet(TimeUnit.MINUTES.toNanos(1));
    log.log(uri, new IOException("disk still gone"));

    warnings = recorder.at(System.Logger.Level.WARNING);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(1).thrown()).isNull();
    assertThat(warnings.get(1).message()).contains("100 more times").contains("disk still gone");
  }
}
