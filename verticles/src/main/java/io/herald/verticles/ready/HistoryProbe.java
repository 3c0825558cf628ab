package io.herald.verticles.ready;

import io.herald.bridge.history.History;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The {@code history} readiness check: whether the node's history store answers a read (in a
 * cluster, a round trip to the member that owns the probe key's partition). A node whose history
 * cannot be reached cannot publish to addresses with history nor resume clients, so it should not
 * take them.
 *
 * <p>An answer is reused for {@link #FRESH}, and probes do not pile up: however often load balancers
 * ask, the store sees at most one read per {@code FRESH} from each node.
 */
public final class HistoryProbe implements ReadinessCheck {

  public static final String NAME = "history";
  static final Duration FRESH = Duration.ofSeconds(2);
  /** Below the 2 s that {@link Readiness} gives any check, so a slow store answers DOWN rather than a timeout. */
  static final Duration TIMEOUT = Duration.ofMillis(1500);

  private record Answer(CheckState state, long atNanos) {}

  private final History history;
  private volatile Answer last;
  private Future<CheckState> probing;

  public HistoryProbe(History history) {
    this.history = history;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Future<CheckState> state() {
    Answer answer = last;
    if (answer != null && System.nanoTime() - answer.atNanos() < FRESH.toNanos()) {
      return Future.succeededFuture(answer.state());
    }
    synchronized (this) {
      if (probing != null) {
        return probing;
      }
      Future<CheckState> probe = history.probe()
          .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .map(CheckState.UP)
          .otherwise(CheckState.DOWN);
      probing = probe;
      // May run at once (a store in memory answers at once): hence the local, not the field, is returned.
      probe.onComplete(done -> {
        last = new Answer(done.result(), System.nanoTime());
        synchronized (this) {
          probing = null;
        }
      });
      return probe;
    }
  }
}
