package io.herald.bridge.service;

import static io.herald.bridge.service.HeraldServiceTest.assertFailure;
import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The facade on its own: how payloads become bus bodies and back, and every mistake reported as a
 * {@link HeraldException} with its code, before anything is sent.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeraldFacadeTest {

  record Item(String sku, int quantity) {}

  record Order(String orderId, List<Item> items, Map<String, String> notes, boolean paid, double total) {}

  record Opaque(Object inside) {}

  /** Validates in its compact constructor, as records often do: the message is meant for the caller. */
  record Quantity(int value) {
    Quantity {
      if (value < 0) {
        throw new IllegalArgumentException("value must not be negative");
      }
    }
  }

  private Vertx vertx;
  private Herald herald;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    herald = Herald.create(vertx);
  }

  @Test
  void aRecordBecomesVertxJsonOnTheBusAndComesBackEqual() {
    Order order = new Order("o-1", List.of(new Item("a", 2), new Item("b", 1)), Map.of("gift", "yes"), true, 12.5);
    Object body = herald.encode(order);
    assertEquals(new JsonObject()
        .put("orderId", "o-1")
        .put("items", new JsonArray().add(new JsonObject().put("sku", "a").put("quantity", 2)).add(new JsonObject().put("sku", "b").put("quantity", 1)))
        .put("notes", new JsonObject().put("gift", "yes"))
        .put("paid", true)
        .put("total", 12.5), body);
    assertEquals(order, herald.decode(body, Order.class));
    assertEquals(order, herald.decodeJson(((JsonObject) body).encode(), Order.class));
    assertEquals(order, herald.decode(((JsonObject) body).toBuffer(), Order.class));
  }

  @Test
  void scalarsListsAndVertxJsonTravelAsTheyAre() {
    JsonObject json = new JsonObject().put("k", "v");
    assertTrue(json == herald.encode(json));
    assertEquals("text", herald.encode("text"));
    assertEquals(42, herald.encode(42));
    assertEquals(Long.MAX_VALUE, herald.encode(Long.MAX_VALUE));
    assertEquals(true, herald.encode(true));
    assertNull(herald.encode(null));
    assertEquals(new JsonArray().add("a").add("b"), herald.encode(List.of("a", "b")));
    assertEquals("text", herald.decode("text", String.class));
    assertEquals(List.of("a", "b"), herald.decode(new JsonArray().add("a").add("b"), List.class));
  }

  @Test
  void theApplicationsMapperIsTheOneUsed() {
    Herald snake = Herald.create(vertx, new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    assertEquals(new JsonObject().put("sku", "a").put("quantity", 1), snake.encode(new Item("a", 1)));
    record Shipment(String orderId) {}
    assertEquals(new JsonObject().put("order_id", "o-2"), snake.encode(new Shipment("o-2")));
    assertEquals(new Shipment("o-3"), snake.decode(new JsonObject().put("order_id", "o-3"), Shipment.class));
  }

  @Test
  void whatCannotBeWrittenAsJsonIsBadData() {
    assertFailure(ErrorCode.BAD_DATA, null, herald.user("alice").send(new Opaque(new Object())));
    HeraldException error = assertThrows(HeraldException.class, () -> herald.encode(new Opaque(new Object())));
    assertEquals(ErrorCode.BAD_DATA, error.code());
    assertTrue(error.getMessage().startsWith("a payload of type Opaque cannot be written as JSON: "), error.getMessage());
    assertFailure(ErrorCode.BAD_DATA, null, herald.address("public.big").send(new java.math.BigInteger("1" + "0".repeat(30))));
  }

  @Test
  void whatDoesNotFitSaysWhereWithoutNamingJavaTypes() {
    assertDecodeFails("wrong type or shape at 'items[1].quantity'",
        new JsonObject().put("orderId", "o").put("items", new JsonArray().add(new JsonObject()).add(new JsonObject().put("quantity", "two"))));
    assertDecodeFails("unknown field 'items[0].colour'",
        new JsonObject().put("items", new JsonArray().add(new JsonObject().put("colour", "red"))));
    assertDecodeFails("wrong type or shape", new JsonArray().add(1));
    HeraldException notJson = assertThrows(HeraldException.class, () -> herald.decodeJson("{\"orderId\":", Order.class));
    assertEquals("not valid JSON", notJson.getMessage());
    HeraldException invalid = assertThrows(HeraldException.class, () -> herald.decode(new JsonObject().put("value", -1), Quantity.class));
    assertEquals("invalid value: value must not be negative", invalid.getMessage());
  }

  private void assertDecodeFails(String message, Object body) {
    HeraldException error = assertThrows(HeraldException.class, () -> herald.decode(body, Order.class));
    assertEquals(ErrorCode.BAD_DATA, error.code());
    assertEquals(message, error.getMessage());
  }

  @Test
  void aBadTargetIsBadAddressAndNothingIsSent() {
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.user("").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.user(null).send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.group("ops.eu").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.group("").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, "not a connection id: 'tab-7'", herald.connection("tab-7").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.address("herald.node.x").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.address("public..news").send("x"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.addToGroup("tab-7", "ops"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.addToGroup("0123456789ab-1", "ops.eu"));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.removeFromGroup("0123456789ab-1", null));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.serve("herald.groups", String.class, s -> null));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.on("public news", String.class, s -> { }));
  }

  @Test
  void aBadTypeIsBadType() {
    assertFailure(ErrorCode.BAD_TYPE, null, herald.address("public.news").send("two words", "x"));
    assertFailure(ErrorCode.BAD_TYPE, null, herald.address("public.news").send("line\nbreak", "x"));
    // Only the node announces who joins and leaves: a service can no more forge it than an HTTP publisher.
    assertFailure(ErrorCode.BAD_TYPE, null, herald.group("ops").send("presence.join", Map.of("user", "mallory")));
    assertFailure(ErrorCode.BAD_TYPE, null, herald.user("alice").send("presence.leave", "x"));
  }

  @Test
  void aConnectionNoNodeHoldsIsNoConnection() {
    assertEquals("connection.0123456789ab-1", herald.connection("0123456789ab-1").address());
    assertFailure(ErrorCode.NO_CONNECTION, null, herald.connection("0123456789ab-1").send("x"));
    assertFailure(ErrorCode.NO_CONNECTION, null, herald.addToGroup("0123456789ab-1", "ops"));
  }

  @Test
  void aListenerGetsTypedEventsAndSkipsWhatDoesNotFit() {
    List<Item> heard = new CopyOnWriteArrayList<>();
    Promise<Void> second = Promise.promise();
    Registration registration = await(herald.on("public.stock", Item.class, item -> {
      heard.add(item);
      if (heard.size() == 2) {
        second.complete();
      }
    }));
    await(herald.address("public.stock").send("restocked", new Item("a", 5)));
    await(herald.address("public.stock").send("restocked", "not an item"));
    vertx.eventBus().publish("public.stock", new JsonObject().put("sku", "b").put("quantity", 6));
    await(second.future());
    assertEquals(List.of(new Item("a", 5), new Item("b", 6)), heard);
    await(registration.unregister());
  }

  @Test
  void recipientsNameTheirAddress() {
    assertEquals("user.alice", herald.user("alice").address());
    assertEquals("group.ops", herald.group("ops").address());
    assertEquals("public.news", herald.address("public.news").address());
    assertEquals("everyone", herald.everyone().address());
    assertEquals("message", Herald.DEFAULT_TYPE);
  }
}
