package io.herald.bridge.service;

import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.request;

import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.NodeChooser;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One authenticated browser-like client of one transport, reduced to what the facade's tests ask
 * of it: the connection id it learnt the way a browser does (SSE {@code connected} event, WebSocket
 * {@code welcome} frame, SockJS {@code herald.whoami} request), and the events it received.
 */
abstract class Receiver {

  /** The transports a browser may use, each opened with a token in its URL. */
  static final List<String> TRANSPORTS = List.of("sse", "websocket", "sockjs-xhr-polling", "sockjs-websocket");

  private static final long WAIT_SECONDS = 10;

  /** One event as the client received it: its envelope fields, {@code data} untouched. */
  record Received(String address, String id, String type, Object data) {}

  final String transport;
  String connectionId;

  private Receiver(String transport) {
    this.transport = transport;
  }

  /** The first event of this type not yet handed out. */
  abstract Future<Received> next(String type);

  /** How many events of this type arrived so far. */
  abstract long count(String type);

  abstract Future<Void> close();

  @Override
  public String toString() {
    return transport + " " + connectionId;
  }

  /**
   * Opens a client and learns its connection id. Opened from an event loop: started from the test
   * thread, a response's first bytes could arrive before its handler was set.
   */
  static Future<Receiver> open(Vertx vertx, String transport, int port, String token) {
    Promise<Receiver> opened = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> connect(vertx, transport, port, token).onComplete(opened));
    return opened.future();
  }

  private static Future<Receiver> connect(Vertx vertx, String transport, int port, String token) {
    String query = "access_token=" + token;
    return switch (transport) {
      case "sse" -> Sse.open(vertx, port, query);
      case "websocket" -> WebSocketFrameClient.raw(vertx, port, "/ws?" + query)
          .compose(c -> Frames.fromWelcome(transport, c));
      case "sockjs-xhr-polling" -> XhrPollingFrameClient.open(vertx, NodeChooser.only(port), query)
          .compose(c -> Frames.fromWhoami(transport, c));
      case "sockjs-websocket" -> FrameClient.sockJsWebSocket(vertx, port, query)
          .compose(c -> Frames.fromWhoami(transport, c));
      default -> throw new IllegalArgumentException(transport);
    };
  }

  /**
   * Completes once each receiver's user channel carries events. A frame client's user channel is
   * subscribed just after its welcome, and on another member it is registered in the cluster a
   * little later still, so probes go to the user until each connection has one: from then on
   * nothing sent to the user is missed.
   */
  static Future<Void> userChannelLive(Vertx vertx, Herald herald, String user, List<Receiver> receivers) {
    Recipient to = herald.user(user);
    long timer = vertx.setPeriodic(100, t -> to.send("probe", 0));
    to.send("probe", 0);
    return Future.all(receivers.stream().map(r -> r.next("probe")).toList())
        .<Void>mapEmpty()
        .eventually(() -> {
          vertx.cancelTimer(timer);
          return Future.succeededFuture();
        });
  }

  private static <T> Future<T> bounded(Future<T> waiting, Supplier<String> what) {
    return waiting.timeout(WAIT_SECONDS, TimeUnit.SECONDS)
        .recover(e -> Future.failedFuture(new AssertionError(what.get() + ": " + e.getMessage(), e)));
  }

  /** An SSE stream with no address of its own: an authenticated stream carries its user's address. */
  private static final class Sse extends Receiver {
    private final HttpClient http;
    private final SseClient client;
    private final Map<String, Integer> handedOut = new HashMap<>();

    private Sse(HttpClient http, SseClient client) {
      super("sse");
      this.http = http;
      this.client = client;
    }

    static Future<Receiver> open(Vertx vertx, int port, String query) {
      HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      return SseClient.connect(http, port, "/sse?" + query)
          .compose(client -> client.connected().map(connected -> {
            Sse sse = new Sse(http, client);
            sse.connectionId = new JsonObject(connected.data()).getString("connection");
            return sse;
          }));
    }

    @Override
    synchronized Future<Received> next(String type) {
      int n = handedOut.merge(type, 1, Integer::sum);
      return bounded(client.nth(type, n), () -> this + " got no event " + type + " #" + n + "; got " + client.events())
          .map(event -> {
            JsonObject envelope = new JsonObject(event.data());
            return new Received(envelope.getString("address"), envelope.getString("id"), envelope.getString("type"),
                envelope.getValue("data"));
          });
    }

    @Override
    long count(String type) {
      return client.events(type).size();
    }

    @Override
    Future<Void> close() {
      return client.close().otherwiseEmpty().eventually(http::close);
    }
  }

  /** A client of the frame protocol: raw WebSocket or SockJS. */
  private static final class Frames extends Receiver {
    private final FrameClient client;

    private Frames(String transport, FrameClient client) {
      super(transport);
      this.client = client;
    }

    static Future<Receiver> fromWelcome(String transport, FrameClient client) {
      return client.next(f -> "welcome".equals(f.getValue("type"))).map(welcome -> {
        Frames frames = new Frames(transport, client);
        frames.connectionId = welcome.getString("connection");
        return frames;
      });
    }

    /** The stock SockJS client has no welcome frame: it asks. */
    static Future<Receiver> fromWhoami(String transport, FrameClient client) {
      return client.send(request("herald.whoami", null, "whoami"))
          .compose(v -> client.next(rec("whoami")))
          .map(reply -> {
            Frames frames = new Frames(transport, client);
            frames.connectionId = reply.getJsonObject("body").getString("connection");
            return frames;
          });
    }

    @Override
    Future<Received> next(String type) {
      return client.next(f -> "rec".equals(f.getValue("type")) && type.equals(f.getValue("event")))
          .map(f -> new Received(f.getString("address"), f.getString("id"), f.getString("event"), f.getValue("body")));
    }

    @Override
    long count(String type) {
      return client.history().stream().filter(f -> "rec".equals(f.getValue("type")) && type.equals(f.getValue("event"))).count();
    }

    @Override
    Future<Void> close() {
      return client.close().otherwiseEmpty();
    }
  }
}
