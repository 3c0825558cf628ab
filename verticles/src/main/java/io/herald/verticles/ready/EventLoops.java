package io.herald.verticles.ready;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heartbeats of the event loops that serve a node's clients, which {@code GET /health} reads.
 * Each HTTP verticle instance beats once a second from a timer on its own event loop; a loop that a
 * handler blocks (a blocking call, an endless loop) runs no timer, so its last beat ages. A node
 * whose loops stopped beating is alive as a process but serves nobody: a liveness probe should
 * restart it.
 *
 * <p>Thread-safe: beats come from every loop, reads from whichever loop answers the probe.
 */
public final class EventLoops {

  public static final Duration PERIOD = Duration.ofSeconds(1);

  /** One watched loop: its context, and when it last ran its heartbeat. */
  public static final class Heartbeat {
    private final Context context;
    private final long timer;
    private volatile long lastNanos = System.nanoTime();

    private Heartbeat(Context context, long timer) {
      this.context = context;
      this.timer = timer;
    }

    /** The context whose event loop this heartbeat runs on. */
    public Context context() {
      return context;
    }

    long ageNanos(long now) {
      return now - lastNanos;
    }
  }

  private final Duration timeout;
  private final List<Heartbeat> beats = new CopyOnWriteArrayList<>();

  /** @param timeout how long a loop may go without a heartbeat before it counts as blocked */
  public EventLoops(Duration timeout) {
    this.timeout = timeout;
  }

  /** Starts the heartbeat of the caller's event loop; call from a verticle's {@code start()}. */
  public Heartbeat watch(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    Heartbeat[] self = new Heartbeat[1];
    long timer = vertx.setPeriodic(PERIOD.toMillis(), id -> self[0].lastNanos = System.nanoTime());
    self[0] = new Heartbeat(context, timer);
    beats.add(self[0]);
    return self[0];
  }

  /** Stops watching a loop (its verticle stops): a loop that serves nobody cannot fail the probe. */
  public void unwatch(Vertx vertx, Heartbeat heartbeat) {
    if (beats.remove(heartbeat)) {
      vertx.cancelTimer(heartbeat.timer);
    }
  }

  /** The loops watched now, in the order they started. */
  public List<Heartbeat> watched() {
    return List.copyOf(beats);
  }

  /** DOWN when any watched loop has not beaten within the timeout. */
  public CheckState state() {
    return oldestBeatAge().compareTo(timeout) > 0 ? CheckState.DOWN : CheckState.UP;
  }

  /** How long ago the loop that beat least recently last beat; zero when none is watched. */
  public Duration oldestBeatAge() {
    long now = System.nanoTime();
    long oldest = 0;
    for (Heartbeat beat : beats) {
      oldest = Math.max(oldest, beat.ageNanos(now));
    }
    return Duration.ofNanos(oldest);
  }
}
