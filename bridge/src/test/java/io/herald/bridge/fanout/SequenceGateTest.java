package io.herald.bridge.fanout;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.history.History;
import io.herald.bridge.history.HistoryPage;
import io.herald.bridge.history.HistoryStore;
import io.herald.bridge.history.HistoryPolicy;
import io.herald.bridge.history.LocalHistoryStore;
import io.herald.bridge.history.Position;
import io.herald.bridge.history.Retention;
import io.herald.bridge.support.Http;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gate of a hub with history, filling gaps from history. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SequenceGateTest {

  private static final String ADDRESS = "user.gate";

  private Vertx vertx;
  private Context context;
  private History history;
  private SubscriptionHub hub;

  private static final class Collector implements Subscriber {
    final List<EncodedEvent> events = new ArrayList<>();

    @Override
    public void deliver(EncodedEvent event) {
      events.add(event);
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    // At most six events retained.
    this.history = new History(HistoryPolicy.parse("user.**=6/1h"), new LocalHistoryStore());
    this.hub = on(() -> new SubscriptionHub(vertx, new EventIds(), history));
  }

  private <T> T on(Supplier<T> action) {
    return Http.on(context, action);
  }

  private Position append(int n) {
    return await(history.append(ADDRESS, "message", System.currentTimeMillis(), "{\"n\":" + n + "}"));
  }

  private void publish(Position position, int n) {
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("n", n), BusEnvelopes.positioned(position, "message", System.currentTimeMillis()));
  }

  private List<Long> seqs(Collector collector) {
    return on(() -> collector.events.stream().map(e -> e.envelope().position().seq()).toList());
  }

  /**
   * A publisher died after appending 2..9 without publishing them; by the time 10 comes, retention
   * has dropped 2..4, but 5..9 are still in history: the gate must hand them out, not skip them.
   */
  @Test
  void aGapPartlyTrimmedByRetentionIsFilledWithWhatHistoryStillHas() throws InterruptedException {
    Collector collector = new Collector();
    await(on(() -> hub.subscribe(ADDRESS, collector)));
    publish(append(1), 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seqs(collector).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    for (int n = 2; n <= 9; n++) {
      append(n);
    }
    publish(append(10), 10);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!seqs(collector).contains(10L) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(300);
    assertEquals(List.of(1L, 5L, 6L, 7L, 8L, 9L, 10L), seqs(collector),
        "the events history still holds (5..9) are delivered; only the trimmed ones (2..4) are skipped");
  }

  /**
   * Two publishers died, each between an append and its publish: 2 and 4 are in history only. The
   * gate fills 2 after its wait; 4 is missing as well, and must be filled too, without waiting for
   * some later event of the address to come.
   */
  @Test
  void aSecondGapBehindAFilledOneIsFilledToo() throws InterruptedException {
    Collector collector = new Collector();
    await(on(() -> hub.subscribe(ADDRESS, collector)));
    publish(append(1), 1);
    append(2);
    publish(append(3), 3);
    append(4);
    publish(append(5), 5);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!seqs(collector).contains(5L) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(collector),
        "every event reaches the subscriber within seconds, though nothing more is published to the address");
  }

  /** The real local store, counting the reads made of it. */
  private static final class CountingStore implements HistoryStore {
    final LocalHistoryStore store = new LocalHistoryStore();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Future<Position> append(String address, String type, long ts, String dataJson, Retention retention) {
      return store.append(address, type, ts, dataJson, retention);
    }

    @Override
    public Future<HistoryPage> read(String address, long afterSeq, int limit, Retention retention) {
      reads.incrementAndGet();
      return store.read(address, afterSeq, limit, retention);
    }

    @Override
    public long ownedAddresses() {
      return store.ownedAddresses();
    }
  }

  /**
   * An address whose history begins after its consumer started: its first event is let through at
   * once, without asking history whether its epoch is history's (the first event of each new
   * address on each node would otherwise wait for a read); a later event of another epoch still is.
   */
  @Test
  void theFirstHistoryOfAnAddressIsTakenWithoutARead() throws InterruptedException {
    CountingStore store = new CountingStore();
    history = new History(HistoryPolicy.parse("user.**=6/1h"), store);
    hub = on(() -> new SubscriptionHub(vertx, new EventIds(), history));
    Collector collector = new Collector();
    await(on(() -> hub.subscribe(ADDRESS, collector)));
    int readsAtStart = store.reads.get();
    publish(append(1), 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seqs(collector).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(1L), seqs(collector));
    assertEquals(readsAtStart, store.reads.get(), "no history read for the address's first event");

    // An event of an epoch history does not have is still checked, and dropped.
    publish(new Position("stale", 7), 7);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store.reads.get() == readsAtStart && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    publish(append(2), 2);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!seqs(collector).contains(2L) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(1L, 2L), seqs(collector), "the stale event is not delivered");
  }
}
