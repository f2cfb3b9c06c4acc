package dev.cachet.httpclient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests move by hand, so that time passes without sleeping. Thread-safe. */
final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  private MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** A clock at the current whole second, close to the {@code Date} an origin sends. */
  static MutableClock startingNow() {
    return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  void advance(Duration d) {
    now.updateAndGet(t -> t.plus(d));
  }

  void advanceSeconds(long seconds) {
    advance(Duration.ofSeconds(seconds));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a mutable clock is always UTC");
  }
}
