package io.herald.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.transport.sockjs.SockJsTransport;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A node as the launcher assembles it (HTTP verticle and ticker), on a free port, over real HTTP. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class HttpVerticleTest {

  private Vertx vertx;
  private NodeDeployment node;
  private HttpClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    // A webroot path that does not exist, so the pages come from the classpath as they do from the jar.
    HeraldConfig config = ConfigLoader.load(new String[] {"--http-port", "0", "--webroot", "no-such-dir", "--http-instances", "2"}, Map.of());
    this.vertx = vertx;
    client = vertx.createHttpClient();
    NodeDeployment.deploy(vertx, config).onComplete(ctx.succeeding(deployed -> {
      node = deployed;
      ctx.completeNow();
    }));
  }

  @Test
  void healthAnswersUp(VertxTestContext ctx) {
    get("/health").compose(r -> r.body().map(b -> {
      assertEquals(200, r.statusCode());
      return b.toJsonObject();
    })).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      assertEquals(new JsonObject().put("status", "UP").put("checks", new JsonObject().put("event-loops", "UP")), body);
      ctx.completeNow();
    })));
  }

  @Test
  void aStandaloneNodeIsReady(VertxTestContext ctx) {
    get("/ready").compose(r -> r.body().map(b -> {
      assertEquals(200, r.statusCode());
      assertEquals("no-store", r.getHeader("cache-control"));
      return b.toJsonObject();
    })).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      assertEquals(new JsonObject().put("status", "UP").put("checks", new JsonObject().put("cluster", "UP").put("http", "UP").put("history", "UP")), body);
      ctx.completeNow();
    })));
  }

  /** Development mode listens on loopback only, so the cluster view is open there: one member, itself. */
  @Test
  void aStandaloneNodeListsItselfAsTheOnlyMember(VertxTestContext ctx) {
    get("/api/cluster").compose(r -> r.body().map(b -> {
      assertEquals(200, r.statusCode());
      return b.toJsonObject();
    })).onComplete(ctx.succeeding(view -> ctx.verify(() -> {
      assertEquals(node.nodeId(), view.getString("self"));
      assertEquals(false, view.getBoolean("clustered"));
      assertEquals(1, view.getJsonArray("members").size());
      JsonObject self = view.getJsonArray("members").getJsonObject(0);
      assertEquals(node.nodeId(), self.getString("node"));
      assertEquals("127.0.0.1:" + node.httpPort(), self.getString("http"));
      assertEquals(true, self.getBoolean("self"));
      assertEquals(true, self.getBoolean("reachable"));
      assertEquals(0, self.getInteger("connections"));
      ctx.completeNow();
    })));
  }

  /**
   * A port another process holds fails the start naming the address, as a setting to change (status
   * 2), rather than with the socket layer's "bind(..) failed" and a stack trace.
   */
  @Test
  void aPortInUseFailsTheStartNamingTheAddress(Vertx vertx, VertxTestContext ctx) throws Exception {
    ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    HeraldConfig config = ConfigLoader.load(new String[] {"--http-port", String.valueOf(taken.getLocalPort()),
        "--webroot", "no-such-dir", "--http-instances", "2", "--ticker", "false"}, Map.of());
    NodeDeployment.deploy(vertx, config).eventually(() -> {
      try {
        taken.close();
      } catch (java.io.IOException e) {
        // closed with the test
      }
      return Future.succeededFuture();
    }).onComplete(ctx.failing(e -> ctx.verify(() -> {
      assertTrue(e instanceof ConfigException, () -> e.toString());
      assertTrue(e.getMessage().startsWith("--http-host / --http-port: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " ("),
          e.getMessage());
      ctx.completeNow();
    })));
  }

  @Test
  void servesTheDemoPageBuiltOnHeraldJs(VertxTestContext ctx) {
    get("/").compose(r -> r.body().map(b -> {
      assertEquals(200, r.statusCode());
      assertTrue(r.getHeader("content-type").startsWith("text/html"));
      return b.toString();
    })).onComplete(ctx.succeeding(page -> ctx.verify(() -> {
      assertTrue(page.contains("import { Herald } from \"/herald.js\""), page);
      assertTrue(page.contains("herald.subscribe(\"public.ticker\""), page);
      assertTrue(page.contains("fetch(`/dev/token?sub="), page);
      ctx.completeNow();
    })));
  }

  @Test
  void servesTheBrowserClientAndTheOpsPage(VertxTestContext ctx) {
    Future.all(get("/herald.js").compose(r -> r.body().map(b -> {
          assertEquals(200, r.statusCode());
          assertTrue(b.toString().contains("export class Herald"));
          return null;
        })), get("/sockjs.min.js").map(r -> {
          assertEquals(200, r.statusCode());
          return null;
        }), get("/ops").compose(r -> r.body().map(b -> {
          assertEquals(200, r.statusCode());
          assertTrue(b.toString().contains("herald.subscribe(\"ops.nodes\""));
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void tickerEventsReachAnSseClientWithADevelopmentToken(VertxTestContext ctx) {
    get("/dev/token?sub=alice").compose(r -> r.body())
        .compose(token -> stream("/sse?address=public.ticker&access_token=" + token))
        .onComplete(ctx.succeeding(response -> {
      Buffer stream = Buffer.buffer();
      response.handler(chunk -> {
        stream.appendBuffer(chunk);
        String text = stream.toString();
        int at = text.indexOf("data: {\"id\"");
        if (at >= 0 && text.indexOf("\n\n", at) > 0) {
          JsonObject envelope = new JsonObject(text.substring(at + 6, text.indexOf('\n', at)));
          ctx.verify(() -> {
            assertEquals("public.ticker", envelope.getString("address"));
            assertEquals("message", envelope.getString("type"));
            assertTrue(envelope.getJsonObject("data").getLong("n") >= 1);
          });
          ctx.completeNow();
        }
      });
    }));
  }

  @Test
  void withoutATokenTheTickerIsRefused(VertxTestContext ctx) {
    get("/sse?address=public.ticker").compose(r -> r.body().map(b -> {
      assertEquals(401, r.statusCode());
      assertTrue(r.getHeader("www-authenticate").startsWith("Bearer error=\"invalid_token\""));
      return b.toJsonObject();
    })).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      assertEquals("unauthorized", body.getJsonObject("error").getString("code"));
      ctx.completeNow();
    })));
  }

  @Test
  void unknownPathsAnswerJson404(VertxTestContext ctx) {
    get("/no/such/page").compose(r -> r.body().map(b -> {
      assertEquals(404, r.statusCode());
      return b.toJsonObject();
    })).onComplete(ctx.succeeding(body -> ctx.verify(() -> {
      assertEquals("not-found", body.getJsonObject("error").getString("code"));
      ctx.completeNow();
    })));
  }

  @Test
  void aWrongMethodOnAKnownPathAnswersJson405(VertxTestContext ctx) {
    // PROTOCOL.md's errors: 405 method-not-allowed for a wrong method, 404 only for a path nobody serves.
    Future.all(
            errorOf(HttpMethod.GET, "/api/publish"),
            errorOf(HttpMethod.POST, "/sse?address=public.ticker"),
            errorOf(HttpMethod.DELETE, "/api/history?address=user.alice"),
            errorOf(HttpMethod.POST, "/health"),
            errorOf(HttpMethod.POST, "/no/such/path"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(
              java.util.List.of("405 method-not-allowed", "405 method-not-allowed", "405 method-not-allowed",
                  "405 method-not-allowed", "404 not-found"),
              all.list());
          ctx.completeNow();
        })));
  }

  /** {@code "<status> <error code>"} of a request without a body. */
  private Future<String> errorOf(HttpMethod method, String uri) {
    io.vertx.core.Promise<String> answer = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> client.request(method, node.httpPort(), "127.0.0.1", uri).compose(r -> r.send())
        .compose(r -> r.body().map(b -> r.statusCode() + " " + b.toJsonObject().getJsonObject("error").getString("code")))
        .onComplete(answer));
    return answer.future();
  }

  @Test
  void aClusteredNodeRecordsItsSockJsSessionsUnderItsListeningAddress(Vertx vertx, VertxTestContext ctx) {
    // Clustered, on a port the system picks: the address the node records is the one it listens on.
    HeraldConfig config = ConfigLoader.load(new String[] {"--cluster", "--http-port", "0", "--webroot", "no-such-dir"}, Map.of());
    String session = "node" + System.nanoTime();
    int[] port = new int[1];
    vertx.runOnContext(v -> NodeDeployment.deploy(vertx, config)
        .compose(clustered -> {
          port[0] = clustered.httpPort();
          return client.request(HttpMethod.POST, port[0], "127.0.0.1", "/eventbus/000/" + session + "/xhr");
        })
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> {
          assertEquals(200, response.statusCode());
          assertEquals("o\n", body.toString());
          return null;
        }))
        .compose(opened -> vertx.sharedData().<String, String>getAsyncMap(SockJsTransport.OWNERS_MAP))
        .compose(owners -> owners.get(session))
        .onComplete(ctx.succeeding(owner -> ctx.verify(() -> {
          assertEquals("127.0.0.1:" + port[0], owner);
          ctx.completeNow();
        }))));
  }

  /**
   * A browser offers permessage-deflate on every WebSocket; the node accepts the socket without it,
   * since its events go out as uncompressed frames built once for all subscribers.
   */
  @Test
  void aWebSocketIsAcceptedWithoutCompression(VertxTestContext ctx) {
    WebSocketClientOptions offer = new WebSocketClientOptions().setTryUsePerMessageCompression(true).setTryUsePerFrameCompression(true);
    vertx.runOnContext(v -> WebSocketFrameClient.raw(vertx, node.httpPort(), "/ws", offer)
        .onComplete(ctx.succeeding(client -> ctx.verify(() -> {
          MultiMap handshake = client.webSocket().headers();
          assertEquals("websocket", handshake.get("upgrade"), handshake::toString);
          assertEquals(null, handshake.get("sec-websocket-extensions"), handshake::toString);
          client.close();
          ctx.completeNow();
        }))));
  }

  /**
   * The response with its body already asked for, on the client's event loop: asked for from the
   * test thread (a callback on a future that completed already runs there), the body could come after
   * the response had ended, and the test waited for it in vain (seen once in CI). Later calls to
   * {@code body()} return the same future.
   */
  private Future<HttpClientResponse> get(String uri) {
    io.vertx.core.Promise<HttpClientResponse> response = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> client.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", uri).compose(r -> r.send())
        .compose(r -> r.body().map(b -> r)).onComplete(response));
    return response.future();
  }

  /** A response whose body does not end (an event stream): the caller reads it; a ticker event comes every second. */
  private Future<HttpClientResponse> stream(String uri) {
    io.vertx.core.Promise<HttpClientResponse> response = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> client.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", uri).compose(r -> r.send()).onComplete(response));
    return response.future();
  }
}
