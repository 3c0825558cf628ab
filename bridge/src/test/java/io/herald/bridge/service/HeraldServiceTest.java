package io.herald.bridge.service;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.NodeChooser;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A typed service ({@link Herald#serve}) answering browsers over the WebSocket and SockJS
 * {@code send} with a {@code replyAddress}, and Java requesters: the reply, each failure as the
 * caller sees it, and that failures leave the node and other clients alone.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeraldServiceTest {

  record QuoteRequest(String orderId, int items) {}

  record Quote(String orderId, long cents, List<String> lines) {}

  private static final String QUOTES = "service.quotes";
  private static final AtomicLong REPLIES = new AtomicLong();

  private Vertx vertx;
  private BridgeServer server;
  private Herald herald;
  private final List<FrameClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    RuleSet rules = RuleSet.fromJson(new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("address", "user.{sub}").put("subscribe", true))
        .add(new JsonObject().put("address", "service.**").put("send", true))));
    server = await(BridgeServer.start(vertx, new BridgeOptions(), rules, JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    herald = Herald.create(vertx);
    await(herald.serve(QUOTES, QuoteRequest.class, HeraldServiceTest::quote));
  }

  @AfterEach
  void closeClients() {
    for (FrameClient client : clients) {
      await(client.close().otherwiseEmpty());
    }
  }

  /** The service under test: a quote, or one of the ways a service fails. */
  private static Future<Quote> quote(QuoteRequest request) {
    switch (request.orderId()) {
      case "missing" -> {
        return Future.failedFuture(new HeraldException(ErrorCode.NOT_FOUND, "no order 'missing'"));
      }
      case "throws" -> throw new IllegalStateException("secret: the database password is hunter2");
      case "broken" -> {
        return Future.failedFuture(new RuntimeException("secret: connection to db-7 refused"));
      }
      case "silent" -> {
        return Promise.<Quote>promise().future();
      }
      default -> {
        return Future.succeededFuture(new Quote(request.orderId(), request.items() * 250L, List.of(request.items() + " x 2.50")));
      }
    }
  }

  private FrameClient connect(String transport) {
    String query = "access_token=" + Tokens.hs256WithSecret(Tokens.SECRET, sub("alice").expiresIn(Duration.ofMinutes(5)));
    Promise<FrameClient> opened = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> (switch (transport) {
      case "websocket" -> WebSocketFrameClient.raw(vertx, server.port(), "/ws?" + query).map(c -> (FrameClient) c);
      case "sockjs-xhr-polling" -> XhrPollingFrameClient.open(vertx, NodeChooser.only(server.port()), query).map(c -> (FrameClient) c);
      default -> throw new IllegalArgumentException(transport);
    }).onComplete(opened));
    FrameClient client = await(opened.future());
    clients.add(client);
    return client;
  }

  /** Sends a request frame and returns what came back to its reply address: a {@code rec} or an {@code err}. */
  private static JsonObject ask(FrameClient client, Object body, Integer timeoutMs) {
    String replyAddress = "reply." + REPLIES.incrementAndGet();
    JsonObject frame = request(QUOTES, body, replyAddress);
    if (timeoutMs != null) {
      frame.put("timeout", timeoutMs);
    }
    await(client.send(frame));
    return await(client.next(f -> replyAddress.equals(f.getValue("address"))));
  }

  private static JsonObject askFor(FrameClient client, QuoteRequest request) {
    return ask(client, new JsonObject().put("orderId", request.orderId()).put("items", request.items()), null);
  }

  private static void assertServiceFailure(JsonObject frame, int status, String message) {
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals("recipient-failure", frame.getString("code"), frame.encode());
    assertEquals("RECIPIENT_FAILURE", frame.getString("failureType"), frame.encode());
    assertEquals(status, frame.getInteger("failureCode"), frame.encode());
    assertEquals(message, frame.getString("message"), frame.encode());
  }

  private void assertQuoted(FrameClient client, String orderId) {
    JsonObject reply = askFor(client, new QuoteRequest(orderId, 4));
    assertEquals("rec", reply.getString("type"), reply.encode());
    assertEquals(new JsonObject().put("orderId", orderId).put("cents", 1000).put("lines", new JsonArray().add("4 x 2.50")),
        reply.getJsonObject("body"));
    assertEquals(new Quote(orderId, 1000, List.of("4 x 2.50")), herald.decode(reply.getValue("body"), Quote.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sockjs-xhr-polling"})
  void aTypedRequestGetsTheTypedReply(String transport) {
    assertQuoted(connect(transport), "o-1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sockjs-xhr-polling"})
  void aHeraldExceptionReachesTheClientWithItsCodeAndStatus(String transport) {
    FrameClient client = connect(transport);
    assertServiceFailure(askFor(client, new QuoteRequest("missing", 1)), 404, "not-found: no order 'missing'");
    assertQuoted(client, "o-2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sockjs-xhr-polling"})
  void anyOtherFailureIsInternalAndTellsNothing(String transport) {
    FrameClient client = connect(transport);
    for (String how : List.of("throws", "broken")) {
      JsonObject failure = askFor(client, new QuoteRequest(how, 1));
      assertServiceFailure(failure, 500, "internal: the service failed");
      assertFalse(failure.encode().contains("secret"), failure.encode());
    }
    assertQuoted(client, "o-3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sockjs-xhr-polling"})
  void aMalformedRequestIsABadRequestSayingWhere(String transport) {
    FrameClient client = connect(transport);
    assertServiceFailure(ask(client, new JsonObject().put("orderId", "o-4").put("items", "many"), null),
        400, "bad-request: wrong type or shape at 'items'");
    assertServiceFailure(ask(client, new JsonObject().put("orderId", "o-4").put("colour", "red"), null),
        400, "bad-request: unknown field 'colour'");
    assertServiceFailure(ask(client, "just text", null), 400, "bad-request: wrong type or shape");
    assertQuoted(client, "o-4");
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sockjs-xhr-polling"})
  void aServiceThatNeverAnswersTimesOutAfterTheFramesTimeout(String transport) {
    FrameClient client = connect(transport);
    JsonObject timeout = ask(client, new JsonObject().put("orderId", "silent").put("items", 1), 300);
    assertEquals("err", timeout.getString("type"), timeout.encode());
    assertEquals("timeout", timeout.getString("code"), timeout.encode());
    assertEquals("TIMEOUT", timeout.getString("failureType"), timeout.encode());
    assertEquals(-1, timeout.getInteger("failureCode"), timeout.encode());
    assertQuoted(client, "o-5");
  }

  @Test
  void failuresLeaveOtherClientsAndTheServiceAlone() {
    FrameClient troublemaker = connect("websocket");
    FrameClient bystander = connect("sockjs-xhr-polling");
    String replyAddress = "reply.slow";
    await(troublemaker.send(request(QUOTES, new JsonObject().put("orderId", "silent").put("items", 1), replyAddress)));
    askFor(troublemaker, new QuoteRequest("throws", 1));
    ask(troublemaker, "not a quote request", null);
    assertQuoted(bystander, "o-6");
    assertQuoted(troublemaker, "o-7");
    assertTrue(troublemaker.history().stream().noneMatch(f -> replyAddress.equals(f.getValue("address"))), "the silent request was answered");
  }

  @Test
  void aJavaRequesterGetsTheReplyOrTheServicesOwnError() {
    assertEquals(new Quote("o-8", 500, List.of("2 x 2.50")), await(herald.request(QUOTES, new QuoteRequest("o-8", 2), Quote.class)));
    assertFailure(ErrorCode.NOT_FOUND, "no order 'missing'", herald.request(QUOTES, new QuoteRequest("missing", 1), Quote.class));
    assertFailure(ErrorCode.INTERNAL, "the service failed", herald.request(QUOTES, new QuoteRequest("throws", 1), Quote.class));
    assertFailure(ErrorCode.BAD_REQUEST, "unknown field 'extra'",
        herald.request(QUOTES, new JsonObject().put("orderId", "o").put("extra", 1), Quote.class));
    assertFailure(ErrorCode.TIMEOUT, "no reply from service.quotes within 200 ms",
        herald.request(QUOTES, new QuoteRequest("silent", 1), Quote.class, Duration.ofMillis(200)));
    assertFailure(ErrorCode.NO_HANDLER, "no service consumes service.nobody", herald.request("service.nobody", 1, Quote.class));
    assertFailure(ErrorCode.BAD_DATA, "the reply from service.quotes does not fit: unknown field 'cents'",
        herald.request(QUOTES, new QuoteRequest("o-9", 1), QuoteRequest.class));
    assertFailure(ErrorCode.BAD_ADDRESS, null, herald.request("herald.groups", 1, Quote.class));
    assertThrows(IllegalArgumentException.class, () -> herald.request(QUOTES, 1, Quote.class, Duration.ZERO));
  }

  @Test
  void aPlainConsumersFailureIsARecipientFailure() {
    await(vertx.eventBus().consumer("service.grumpy", m -> m.fail(42, "nope")).completion());
    assertFailure(ErrorCode.RECIPIENT_FAILURE, "the service at service.grumpy failed with 42: nope",
        herald.request("service.grumpy", "please", String.class));
  }

  @Test
  void anUnregisteredServiceNoLongerAnswers() {
    Registration registration = await(herald.serve("service.once", String.class, text -> Future.succeededFuture(text.length())));
    assertEquals("service.once", registration.address());
    assertEquals(5, await(herald.request("service.once", "hello", Integer.class)));
    await(registration.unregister());
    assertFailure(ErrorCode.NO_HANDLER, "no service consumes service.once", herald.request("service.once", "hello", Integer.class));
  }

  static void assertFailure(ErrorCode code, String message, Future<?> future) {
    Throwable failure;
    try {
      await(future);
      throw new AssertionError("expected " + code + ", got a result");
    } catch (CompletionException e) {
      failure = e.getCause();
    } catch (RuntimeException e) {
      failure = e;
    }
    HeraldException error = failure instanceof HeraldException h ? h : null;
    assertTrue(error != null, () -> "expected a HeraldException, got " + failure);
    assertEquals(code, error.code(), error::getMessage);
    if (message != null) {
      assertEquals(message, error.getMessage());
    }
  }
}
