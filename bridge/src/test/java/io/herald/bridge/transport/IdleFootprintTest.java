package io.herald.bridge.transport;

import static io.herald.bridge.support.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.support.BridgeServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an open connection stops holding once it is set up. Idle connections are most of a node's
 * memory (W2 in bench/), and Vert.x keeps an SSE stream's request, and a WebSocket's upgrade
 * request and headers, for the connection's whole life: the bridge drops what it can. Checked with weak
 * references to objects of one request, taken by a handler that runs before the bridge's, while
 * the connection is open and still delivering.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleFootprintTest {

  private static final String ADDRESS = "public.footprint";
  private static final String PROBE_HEADER = "x-probe";
  private static final String PROBE_PARAMETER = "probe";

  private Vertx vertx;
  private BridgeServer server;
  private final List<WeakReference<Object>> routingContexts = new CopyOnWriteArrayList<>();
  private final List<WeakReference<Object>> probeValues = new CopyOnWriteArrayList<>();
  private final List<WeakReference<Object>> probeParameters = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    server = await(BridgeServer.start(vertx, new BridgeOptions(), AllowListRules.defaults()));
    server.router().route().order(-1).handler(rc -> {
      String probe = rc.request().getHeader(PROBE_HEADER);
      if (probe != null) {
        routingContexts.add(new WeakReference<>(rc));
        probeValues.add(new WeakReference<>(probe));
      }
      // A query parameter is decoded into the request Vert.x holds under vert.x-web's wrapper.
      String parameter = rc.request().getParam(PROBE_PARAMETER);
      if (parameter != null) {
        probeParameters.add(new WeakReference<>(parameter));
      }
      rc.next();
    });
  }

  /** A fresh string, so that nothing but the request can hold the instance a probe refers to. */
  private static String probeValue() {
    return new String(UUID.randomUUID().toString().toCharArray());
  }

  @Test
  void anOpenSseStreamKeepsNeitherItsRoutingContextNorItsRequestHeaders() {
    HttpClient client = vertx.createHttpClient();
    Promise<Void> connected = Promise.promise();
    Promise<Void> delivered = Promise.promise();
    Buffer received = Buffer.buffer();
    await(onEventLoop(() -> client.request(HttpMethod.GET, server.port(), "127.0.0.1", "/sse?address=" + ADDRESS)
        .compose(request -> request.putHeader(PROBE_HEADER, probeValue()).send())
        .map(response -> {
          assertEquals(200, response.statusCode());
          response.handler(chunk -> {
            received.appendBuffer(chunk);
            if (received.toString().contains("event: connected")) {
              connected.tryComplete();
            }
            if (received.toString().contains("\"after-gc\"")) {
              delivered.tryComplete();
            }
          });
          return null;
        })));
    await(connected.future());

    assertCollected(routingContexts, "the stream's routing context");
    assertCollected(probeValues, "the stream's request headers");

    vertx.eventBus().publish(ADDRESS, "after-gc");
    await(delivered.future());
    await(client.close());
  }

  @Test
  void anOpenWebSocketKeepsNeitherItsUpgradeRequestNorItsHeaders() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port())
        .setURI("/ws?" + PROBE_PARAMETER + "=" + probeValue()).addHeader(PROBE_HEADER, probeValue());
    Promise<Void> welcomed = Promise.promise();
    Promise<Void> delivered = Promise.promise();
    WebSocket socket = await(onEventLoop(() -> vertx.createWebSocketClient().connect(options).map(ws -> ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if ("welcome".equals(frame.getString("type"))) {
        welcomed.tryComplete();
      } else if ("ack".equals(frame.getString("type"))) {
        vertx.eventBus().publish(ADDRESS, "after-gc");
      } else if ("after-gc".equals(frame.getValue("body"))) {
        delivered.tryComplete();
      }
    }))));
    await(welcomed.future());

    assertCollected(probeValues, "the socket's handshake headers");
    assertCollected(probeParameters, "the socket's upgrade request");

    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", ADDRESS).put("id", 1).encode());
    await(delivered.future());
    await(socket.close());
  }

  /**
   * Runs on an event loop, so that the handlers the chain sets are in place before the first bytes
   * are read: set from the test thread, they could miss the first event.
   */
  private <T> Future<T> onEventLoop(Supplier<Future<T>> start) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> start.get().onComplete(done));
    return done.future();
  }

  /** Fails unless every referent is collected within a few seconds of collections. */
  private static void assertCollected(List<WeakReference<Object>> references, String what) {
    assertEquals(1, references.size(), "one request was seen");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (references.get(0).get() != null && System.nanoTime() < deadline) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertTrue(references.get(0).get() == null, what + " is still reachable");
  }
}
