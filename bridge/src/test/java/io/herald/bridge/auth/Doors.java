package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.ProtocolFrames;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.WebSocketFrameClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The ways into a bridge, each presenting a token its own way, for {@link SecurityMatrixTest}: every
 * door can try to subscribe or publish with a token (or none) and reports a {@link Refusal}, a
 * {@link Live} subscription, or an {@link Accepted} publish.
 */
final class Doors {

  interface Attempt {}

  /** Refused: by HTTP status before any stream or socket ({@code overHttp}), or by an {@code err} frame. */
  record Refusal(int status, String code, boolean overHttp, String wwwAuthenticate, String text) implements Attempt {}

  record Accepted() implements Attempt {}

  interface Live extends Attempt {
    /** The body of the next event of the address. */
    Future<JsonObject> nextEvent(String address);
  }

  /** How a door takes part in the matrix: what it can do and whether its token is read by HTTP. */
  record Spec(String name, boolean subscribes, boolean publishes, boolean tokenAtHttp) {}

  static final List<Spec> SPECS = List.of(
      new Spec("sse-header", true, false, true),
      new Spec("sse-query", true, false, true),
      new Spec("publish-api", false, true, true),
      new Spec("websocket-query", true, true, true),
      new Spec("websocket-auth-frame", true, true, false),
      new Spec("sockjs-websocket-query", true, true, true),
      new Spec("sockjs-xhr-headers", true, true, false));

  abstract static class Door {
    final String name;
    final boolean subscribes;
    final boolean publishes;
    final boolean tokenAtHttp;
    /** Plain HTTP requests (SSE, the publish API): every refusal is an HTTP status. */
    final boolean httpOnly;

    Door(Spec spec) {
      this.name = spec.name();
      this.subscribes = spec.subscribes();
      this.publishes = spec.publishes();
      this.tokenAtHttp = spec.tokenAtHttp();
      this.httpOnly = name.startsWith("sse") || name.equals("publish-api");
    }

    abstract Attempt subscribe(String token, String address);

    abstract Attempt publish(String token, String address, JsonObject body);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  private final Vertx vertx;
  private final int port;
  private final HttpClient http;
  private final Context loop;
  private final List<Supplier<Future<?>>> closers = new ArrayList<>();
  private final Map<String, Door> doors = new LinkedHashMap<>();

  Doors(Vertx vertx, int port) {
    this.vertx = vertx;
    this.port = port;
    this.loop = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(32));
    for (Spec spec : SPECS) {
      doors.put(spec.name(), create(spec));
    }
  }

  static List<String> names() {
    return SPECS.stream().map(Spec::name).toList();
  }

  Door door(String name) {
    return doors.get(name);
  }

  HttpClient http() {
    return http;
  }

  /**
   * Opens a stream or socket from one event-loop context: started from the test thread, the response
   * callback and the first bytes of the stream could run on different threads, and the first bytes
   * were sometimes dropped before the client's handler was set.
   */
  <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Something to close after the test. */
  synchronized void onClose(Supplier<Future<?>> closer) {
    closers.add(closer);
  }

  /** Closes everything the doors opened, ignoring what already went away. */
  void closeAll() {
    List<Supplier<Future<?>>> all;
    synchronized (this) {
      all = new ArrayList<>(closers);
      closers.clear();
    }
    for (Supplier<Future<?>> closer : all) {
      try {
        await(closer.get().otherwiseEmpty());
      } catch (RuntimeException e) {
        // already closed
      }
    }
  }

  private Door create(Spec spec) {
    return switch (spec.name()) {
      case "sse-header" -> sse(spec, true);
      case "sse-query" -> sse(spec, false);
      case "publish-api" -> publishApi(spec);
      case "websocket-query" -> frames(spec, token -> WebSocketFrameClient.raw(vertx, port, "/ws" + query("?", token)).map(c -> c), false, false);
      case "websocket-auth-frame" -> frames(spec, token -> FrameClient.webSocket(vertx, port), true, false);
      case "sockjs-websocket-query" -> frames(spec, token -> FrameClient.sockJsWebSocket(vertx, port, query("", token)), false, false);
      case "sockjs-xhr-headers" -> frames(spec, token -> FrameClient.sockJsXhrPolling(vertx, port), false, true);
      default -> throw new IllegalArgumentException(spec.name());
    };
  }

  private static String query(String prefix, String token) {
    return token == null ? "" : prefix + "access_token=" + token;
  }

  private static Refusal httpRefusal(int status, String wwwAuthenticate, String body) {
    String code;
    try {
      code = new JsonObject(body).getJsonObject("error").getString("code");
    } catch (RuntimeException e) {
      code = "not-json: " + body;
    }
    return new Refusal(status, code, true, wwwAuthenticate, body + " " + wwwAuthenticate);
  }

  private static Refusal frameRefusal(JsonObject err) {
    return new Refusal(err.getInteger("failureCode", -1), err.getString("code"), false, null, err.encode());
  }

  private Door sse(Spec spec, boolean header) {
    return new Door(spec) {
      @Override
      Attempt subscribe(String token, String address) {
        String uri = "/sse?address=" + address + (header ? "" : query("&", token));
        SseClient sse;
        try {
          sse = await(onLoop(() -> SseClient.connect(http, port, uri, header ? token : null)));
        } catch (SseClient.Refused refused) {
          return httpRefusal(refused.status, refused.wwwAuthenticate, refused.body);
        }
        onClose(sse::close);
        await(sse.connected());
        AtomicInteger seen = new AtomicInteger();
        return (Live) a -> sse.nth("message", seen.incrementAndGet()).map(e -> new JsonObject(e.data()).getJsonObject("data"));
      }

      @Override
      Attempt publish(String token, String address, JsonObject body) {
        throw new UnsupportedOperationException("SSE only subscribes");
      }
    };
  }

  private Door publishApi(Spec spec) {
    return new Door(spec) {
      @Override
      Attempt subscribe(String token, String address) {
        throw new UnsupportedOperationException("the publish API only publishes");
      }

      @Override
      Attempt publish(String token, String address, JsonObject body) {
        String json = new JsonObject().put("address", address).put("data", body).encode();
        // On the loop, like every other door: from the test thread, response.body() could be
        // attached after the response had ended and never complete.
        return await(onLoop(() -> http.request(HttpMethod.POST, port, "127.0.0.1", "/api/publish")
            .compose(request -> {
              if (token != null) {
                request.putHeader("authorization", "Bearer " + token);
              }
              return request.putHeader("content-type", "application/json").send(json);
            })
            .compose(response -> response.body().map(b -> response.statusCode() == 202
                ? new Accepted()
                : httpRefusal(response.statusCode(), response.getHeader("www-authenticate"), b.toString())))));
      }
    };
  }

  private interface Connector {
    Future<FrameClient> connect(String token);
  }

  /**
   * A frame-protocol door: the token goes in the handshake URL, in an {@code auth} frame first, or
   * in the {@code headers} of every frame.
   */
  private Door frames(Spec spec, Connector connector, boolean authFrame, boolean frameHeaders) {
    return new Door(spec) {
      @Override
      Attempt subscribe(String token, String address) {
        return exchange(token, ProtocolFrames.register(address, null), address);
      }

      @Override
      Attempt publish(String token, String address, JsonObject body) {
        return exchange(token, ProtocolFrames.publish(address, body, null), null);
      }

      private Attempt exchange(String token, JsonObject frame, String subscribed) {
        FrameClient client;
        try {
          client = await(onLoop(() -> connector.connect(token)));
        } catch (UpgradeRejectedException rejected) {
          return httpRefusal(rejected.getStatus(), rejected.getHeaders().get("www-authenticate"), String.valueOf(rejected.getBody()));
        }
        onClose(client::close);
        if (authFrame && token != null) {
          JsonObject answer = request(client, new JsonObject().put("type", "auth").put("token", token));
          if ("err".equals(answer.getString("type"))) {
            return frameRefusal(answer);
          }
        }
        if (frameHeaders && token != null) {
          frame.put("headers", new JsonObject().put("Authorization", "Bearer " + token));
        }
        JsonObject answer = request(client, frame);
        if ("err".equals(answer.getString("type"))) {
          return frameRefusal(answer);
        }
        if (subscribed == null) {
          return new Accepted();
        }
        return (Live) a -> client.next(ProtocolFrames.rec(a)).map(rec -> rec.getJsonObject("body"));
      }

      /** Sends the frame with a fresh id and returns the ack or err that refers to it. */
      private JsonObject request(FrameClient client, JsonObject frame) {
        String id = "door-" + IDS.incrementAndGet();
        await(client.send(frame.put("id", id)));
        return await(client.next(f -> id.equals(f.getValue("ref"))));
      }
    };
  }
}
