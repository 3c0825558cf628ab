package io.herald.verticles.ready;

import static io.herald.verticles.support.HeraldCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.herald.bridge.history.History;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.history.HistoryStore;
import io.herald.bridge.history.LocalHistoryStore;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.Retention;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The history readiness check: UP when the store answers, DOWN when it fails or does not answer in time, reads shared. */
@Timeout(30)
class HistoryProbeTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void upWhenTheStoreAnswers() {
    HistoryProbe probe = new HistoryProbe(new History(HistoryPolicy.defaults(), new LocalHistoryStore()));
    assertEquals(CheckState.UP, await(probe.state()));
  }

  @Test
  void downWhenTheStoreFails() {
    HistoryProbe probe = new HistoryProbe(new History(HistoryPolicy.defaults(), new Store(() -> Future.failedFuture("member gone"))));
    assertEquals(CheckState.DOWN, await(probe.state()));
  }

  /** A store that never answers (a partition owner that is gone): DOWN after the probe's own timeout, and concurrent asks share one read. */
  @Test
  void downWhenTheStoreDoesNotAnswerInTime() {
    AtomicInteger reads = new AtomicInteger();
    Store silent = new Store(() -> {
      reads.incrementAndGet();
      return ((ContextInternal) vertx.getOrCreateContext()).<HistoryPage>promise().future();
    });
    HistoryProbe probe = new HistoryProbe(new History(HistoryPolicy.defaults(), silent));
    Future<CheckState> first = probe.state();
    assertSame(first, probe.state(), "a second ask while the first waits shares it");
    assertEquals(CheckState.DOWN, await(first));
    assertEquals(1, reads.get());
    assertEquals(CheckState.DOWN, await(probe.state()), "the answer is reused while fresh");
    assertEquals(1, reads.get());
  }

  private record Store(java.util.function.Supplier<Future<HistoryPage>> reads) implements HistoryStore {
    @Override
    public Future<Position> append(String address, String type, long ts, String dataJson, Retention retention) {
      return Future.failedFuture("not in this test");
    }

    @Override
    public Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention) {
      return reads.get();
    }

    @Override
    public long ownedAddresses() {
      return 0;
    }
  }
}
