package io.herald.bridge.fanout;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.envelope.EncodedBatch;
import io.herald.bridge.envelope.EncodedEvent;
import io.herald.bridge.envelope.Envelope;
import io.herald.bridge.envelope.EventIds;
import io.herald.bridge.envelope.EventNames;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.SseClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubscriptionHubTest {

  private static final String A = "public.a";
  private static final String B = "public.b";

  private Vertx vertx;
  private Context context;
  private SubscriptionHub hub;

  /** A subscriber that keeps what it is given; touched only on the hub's event loop. */
  private static class Collector implements Subscriber {
    final List<EncodedEvent> events = new ArrayList<>();
    final List<Buffer> wire = new ArrayList<>();

    @Override
    public void deliver(EncodedEvent event) {
      events.add(event);
      wire.add(event.sse());
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hub = on(() -> new SubscriptionHub(vertx, new EventIds()));
  }

  /** Runs on the hub's event loop, where the hub is confined, and waits for the result. */
  private <T> T on(Supplier<T> action) {
    return Http.on(context, action);
  }

  private void subscribe(String address, Subscriber subscriber) {
    await(on(() -> hub.subscribe(address, subscriber)));
  }

  private void unsubscribe(String address, Subscriber subscriber) {
    on(() -> {
      hub.unsubscribe(address, subscriber);
      return null;
    });
  }

  /** Publishes, then a marker, and waits until the collector has the marker: everything before it arrived. */
  private void publishAndSettle(String address, Object body, Collector watcher) {
    int before = on(() -> watcher.events.size());
    vertx.eventBus().publish(address, body);
    vertx.eventBus().publish(address, "marker");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (on(() -> watcher.events.size()) < before + 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(on(() -> watcher.events.size()) >= before + 2, "the marker did not arrive");
  }

  private void assertFailure(ReplyFailure expected, String address) {
    Future<?> reply = vertx.eventBus().request(address, "probe", new DeliveryOptions().setSendTimeout(300));
    RuntimeException failure = assertThrows(RuntimeException.class, () -> await(reply));
    assertEquals(expected, assertInstanceOf(ReplyException.class, failure).failureType(), address);
  }

  @Test
  void registersOneConsumerPerAddressHoweverManySubscribers() {
    List<Collector> onA = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Collector c = new Collector();
      onA.add(c);
      subscribe(A, c);
    }
    Collector onB = new Collector();
    subscribe(B, onB);
    subscribe(B, onB); // a second subscribe of the same subscriber is not a second subscription
    assertEquals(2, (int) on(hub::consumerCount));
    assertEquals(51, (int) on(hub::subscriptionCount));

    publishAndSettle(A, new JsonObject().put("n", 1), onA.get(49));
    for (Collector c : onA) {
      assertEquals(2, (int) on(() -> c.events.size()));
    }
    assertEquals(0, (int) on(() -> onB.events.size()));
    assertEquals(100L, (long) on(hub::deliveredCount));
  }

  @Test
  void handsEverySubscriberTheSameEncodedEventAndBuffer() {
    Collector first = new Collector();
    Collector second = new Collector();
    subscribe(A, first);
    subscribe(A, second);
    publishAndSettle(A, new JsonObject().put("shared", true), second);

    on(() -> {
      assertEquals(2, first.events.size());
      for (int i = 0; i < 2; i++) {
        assertSame(first.events.get(i), second.events.get(i));
        assertSame(first.wire.get(i), second.wire.get(i));
      }
      assertNotEquals(first.events.get(0).envelope().id(), first.events.get(1).envelope().id());
      return null;
    });
  }

  @Test
  void everyEventOfAnAddressCarriesTheStringItsFirstSubscriberGave() {
    // A connection finds its cursor by this String's identity; each publish brings its own copy.
    String address = new String(A);
    Collector collector = new Collector();
    subscribe(address, collector);
    subscribe(new String(A), new Collector());
    vertx.eventBus().publish(new String(A), "one");
    publishAndSettle(new String(A), "two", collector);

    on(() -> {
      assertEquals(3, collector.events.size());
      for (EncodedEvent event : collector.events) {
        assertSame(address, event.envelope().address());
      }
      return null;
    });
  }

  @Test
  void theLastUnsubscribeUnregistersTheConsumer() {
    Collector leaving = new Collector();
    Collector staying = new Collector();
    subscribe(A, leaving);
    subscribe(A, staying);

    unsubscribe(A, leaving);
    unsubscribe(A, leaving); // not subscribed any more: nothing happens
    unsubscribe(B, staying); // never subscribed there: nothing happens
    assertEquals(1, (int) on(hub::consumerCount));
    assertFailure(ReplyFailure.TIMEOUT, A); // the consumer is there, it just never replies
    publishAndSettle(A, "still here", staying);
    assertEquals(0, (int) on(() -> leaving.events.size()));

    unsubscribe(A, staying);
    assertEquals(0, (int) on(hub::consumerCount));
    assertEquals(0, (int) on(hub::subscriptionCount));
    assertFailure(ReplyFailure.NO_HANDLERS, A);
  }

  @Test
  void resubscribingAfterTheLastLeftRegistersAgain() {
    Collector c = new Collector();
    subscribe(A, c);
    unsubscribe(A, c);
    assertFailure(ReplyFailure.NO_HANDLERS, A);
    subscribe(A, c);
    assertEquals(1, (int) on(hub::consumerCount));
    publishAndSettle(A, "back", c);
    assertEquals("\"back\"", on(() -> c.events.get(0).envelope().dataJson()));
  }

  /** Records batches as batches, to see what arrived together. */
  private static final class BatchCollector extends Collector {
    final List<EncodedBatch> batches = new ArrayList<>();

    @Override
    public void deliver(EncodedBatch batch) {
      batches.add(batch);
      batch.events().forEach(this::deliver);
    }
  }

  @Test
  void eventsPublishedInOneTurnGoOutAsOneBatchInOrderSharedByAllSubscribers() {
    BatchCollector first = new BatchCollector();
    BatchCollector second = new BatchCollector();
    subscribe(A, first);
    subscribe(A, second);
    // Published from the hub's own event loop in one task: none can be handed out before all are queued.
    on(() -> {
      for (int i = 0; i < 10; i++) {
        vertx.eventBus().publish(A, i);
      }
      return null;
    });
    publishAndSettle(A, "after", first);
    List<String> data = on(() -> first.events.stream().map(e -> e.envelope().dataJson()).toList());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\"after\"", "\"marker\""), data);
    EncodedBatch batch = on(() -> first.batches.get(0));
    assertEquals(10, batch.events().size(), "the ten events of one turn travel together");
    assertSame(batch, on(() -> second.batches.get(0)), "every subscriber gets the same batch");
    assertSame(batch.sse(), on(() -> second.batches.get(0).sse()), "and so the same bytes");
    String wire = batch.sse().toString();
    assertTrue(wire.indexOf("data: {\"id\"") < wire.lastIndexOf("data: {\"id\""), wire);
  }

  /**
   * Live-only events (presence's) may come between positioned ones of the same address; a batch
   * holds one kind only, since connections admit and position a batch by its first event.
   */
  @Test
  void aBatchNeverMixesPositionedEventsWithEventsWithoutPosition() {
    BatchCollector collector = new BatchCollector();
    subscribe(A, collector);
    on(() -> {
      vertx.eventBus().publish(A, 1, positioned(1));
      vertx.eventBus().publish(A, 2, positioned(2));
      vertx.eventBus().publish(A, "join", BusEnvelopes.live("j1", "presence.join", 1));
      vertx.eventBus().publish(A, 3, positioned(3));
      return null;
    });
    publishAndSettle(A, "after", collector);
    List<String> data = on(() -> collector.events.stream().map(e -> e.envelope().dataJson()).toList());
    assertEquals(List.of("1", "2", "\"join\"", "3", "\"after\"", "\"marker\""), data, "in the order published");
    List<EncodedBatch> batches = on(() -> List.copyOf(collector.batches));
    assertTrue(!batches.isEmpty() && batches.get(0).events().size() == 2, "1 and 2 still travel together");
    for (EncodedBatch batch : batches) {
      boolean first = batch.events().get(0).envelope().position() != null;
      assertTrue(batch.events().stream().allMatch(e -> (e.envelope().position() != null) == first),
          () -> "a mixed batch: " + batch.events().stream().map(e -> e.envelope().dataJson()).toList());
    }
  }

  private static DeliveryOptions positioned(long seq) {
    return BusEnvelopes.positioned(new io.herald.bridge.history.Position("Ab3dE9x2kQ", seq), "message", 1);
  }

  @Test
  void aBatchIsCappedSoItsBufferStaysBounded() {
    BatchCollector collector = new BatchCollector();
    subscribe(A, collector);
    on(() -> {
      for (int i = 0; i < SubscriptionHub.MAX_BATCH * 2 + 5; i++) {
        vertx.eventBus().publish(A, i);
      }
      return null;
    });
    publishAndSettle(A, "after", collector);
    int largest = on(() -> collector.batches.stream().mapToInt(b -> b.events().size()).max().orElse(0));
    assertTrue(largest <= SubscriptionHub.MAX_BATCH, "largest batch " + largest);
    assertEquals(SubscriptionHub.MAX_BATCH * 2 + 5 + 2, (int) on(() -> collector.events.size()));
  }

  @Test
  void aSubscriberMayUnsubscribeItselfWhileAnEventIsHandedOut() {
    Collector other = new Collector();
    List<EncodedEvent> once = new ArrayList<>();
    Subscriber selfRemoving = new Subscriber() {
      @Override
      public void deliver(EncodedEvent event) {
        once.add(event);
        hub.unsubscribe(A, this);
      }
    };
    subscribe(A, selfRemoving);
    subscribe(A, other);
    publishAndSettle(A, "one", other);
    assertEquals(2, (int) on(() -> other.events.size()));
    // It may get the rest of the batch it was handed (events published while it was subscribed)...
    int received = on(once::size);
    assertTrue(received >= 1 && received <= 2, "received " + received);
    assertEquals(1, (int) on(hub::subscriptionCount));
    // ...but nothing published after it left.
    publishAndSettle(A, "two", other);
    assertEquals(4, (int) on(() -> other.events.size()));
    assertEquals(received, (int) on(once::size));
  }

  @Test
  void turnsHeraldHeadersIntoTheEnvelope() {
    Collector c = new Collector();
    subscribe(A, c);
    vertx.eventBus().publish(A, new JsonObject().put("x", 1), BusEnvelopes.deliveryOptions("abc-7", "price", 1234L));
    vertx.eventBus().publish(A, "plain", new DeliveryOptions()
        .addHeader(BusEnvelopes.HEADER_ID, "forged\nid: x").addHeader(BusEnvelopes.HEADER_TYPE, "bad type")
        .addHeader(BusEnvelopes.HEADER_TS, "soon"));
    publishAndSettle(A, "last", c);

    Envelope herald = on(() -> c.events.get(0).envelope());
    assertEquals(new Envelope("abc-7", A, "price", 1234L, "{\"x\":1}"), herald);
    Envelope bad = on(() -> c.events.get(1).envelope());
    assertTrue(EventNames.isValid(bad.id()), bad.id());
    assertEquals("message", bad.type());
    assertTrue(bad.ts() > 1234L);
  }

  @Test
  void closeUnregistersEveryConsumer() {
    subscribe(A, new Collector());
    subscribe(B, new Collector());
    await(on(hub::close));
    assertEquals(0, (int) on(hub::consumerCount));
    assertFailure(ReplyFailure.NO_HANDLERS, A);
    assertFailure(ReplyFailure.NO_HANDLERS, B);
  }

  @Test
  void fiftySseClientsOnOneAddressShareOneConsumer() {
    BridgeServer server = await(BridgeServer.start(vertx, new BridgeOptions(), AllowListRules.defaults()));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(60));
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      SseClient sse = await(SseClient.connect(client, server.port(), "/sse?address=public.crowd"));
      await(sse.connected());
      clients.add(sse);
    }
    BridgeStats stats = await(server.stats());
    assertEquals(50, stats.connections());
    assertEquals(1, stats.consumers());
    assertEquals(50, stats.subscriptions());

    vertx.eventBus().publish("public.crowd", "to all");
    String id = await(clients.get(0).nth("message", 1)).id();
    for (SseClient sse : clients) {
      assertEquals(id, await(sse.nth("message", 1)).id());
    }
    assertEquals(50L, await(server.stats()).delivered());

    clients.forEach(SseClient::close);
    stats = statsUntil(server, s -> s.connections() == 0 && s.consumers() == 0);
    assertEquals(0, stats.connections());
    assertEquals(0, stats.consumers());
    assertFailure(ReplyFailure.NO_HANDLERS, "public.crowd");
  }
}
