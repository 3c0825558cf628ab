package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test client for the JSON frame protocol, whatever carries it: a raw WebSocket ({@code /ws} or
 * SockJS's {@code /eventbus/websocket}), the SockJS framed WebSocket, or SockJS xhr-polling.
 *
 * <p>Every frame the server sends is kept. {@link #next} hands out the first frame not yet handed
 * out that matches, waiting for it if needed, so a test can wait for an ack while events keep
 * arriving, and {@link #history} shows everything, to prove that something did not arrive.
 */
public abstract class FrameClient {

  /** How long {@link #next} waits before failing: generous, the machine is shared. */
  public static final long WAIT_MS = 10_000;

  /** How the connection ended: the close code (1006 when there was none) and reason. */
  public record Closed(int code, String reason) {}

  private record Waiter(Predicate<JsonObject> match, Promise<JsonObject> promise) {}

  protected final Vertx vertx;
  private final List<JsonObject> history = new ArrayList<>();
  private final LinkedList<JsonObject> inbox = new LinkedList<>();
  private final LinkedList<Waiter> waiters = new LinkedList<>();
  private final Promise<Closed> closed = Promise.promise();

  protected FrameClient(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A raw WebSocket on Herald's own endpoint {@code /ws}. */
  public static Future<FrameClient> webSocket(Vertx vertx, int port) {
    return WebSocketFrameClient.raw(vertx, port, "/ws").map(c -> c);
  }

  /** SockJS's raw WebSocket endpoint {@code /eventbus/websocket}: one frame per message, no SockJS framing. */
  public static Future<FrameClient> sockJsRawWebSocket(Vertx vertx, int port) {
    return WebSocketFrameClient.raw(vertx, port, "/eventbus/websocket").map(c -> c);
  }

  /** SockJS's websocket transport, {@code /eventbus/<server>/<session>/websocket}, with SockJS framing. */
  public static Future<FrameClient> sockJsWebSocket(Vertx vertx, int port) {
    return WebSocketFrameClient.sockJs(vertx, port, "/eventbus/" + SockJs.sessionPath() + "/websocket").map(c -> c);
  }

  /** SockJS's websocket transport with a query string on the session URL (an {@code access_token}, say). */
  public static Future<FrameClient> sockJsWebSocket(Vertx vertx, int port, String query) {
    return WebSocketFrameClient.sockJs(vertx, port, "/eventbus/" + SockJs.sessionPath() + "/websocket?" + query).map(c -> c);
  }

  /** SockJS's xhr-polling transport over plain HTTP requests. */
  public static Future<FrameClient> sockJsXhrPolling(Vertx vertx, int port) {
    return XhrPollingFrameClient.open(vertx, port).map(c -> c);
  }

  /** Sends one text frame as it is, valid JSON or not. */
  public abstract Future<Void> sendText(String text);

  public final Future<Void> send(JsonObject frame) {
    return sendText(frame.encode());
  }

  /** Closes from the client side; completes once the request to close went out. */
  public abstract Future<Void> close();

  /** Completes when the connection ended, from either side. */
  public final Future<Closed> closed() {
    return closed.future();
  }

  /** The first frame not yet handed out that matches, waiting up to {@link #WAIT_MS} for it. */
  public final Future<JsonObject> next(Predicate<JsonObject> match) {
    Promise<JsonObject> promise = Promise.promise();
    synchronized (this) {
      for (Iterator<JsonObject> it = inbox.iterator(); it.hasNext(); ) {
        JsonObject frame = it.next();
        if (match.test(frame)) {
          it.remove();
          return Future.succeededFuture(frame);
        }
      }
      waiters.add(new Waiter(match, promise));
    }
    long timer = vertx.setTimer(WAIT_MS, t -> {
      synchronized (this) {
        waiters.removeIf(w -> w.promise == promise);
      }
      promise.tryFail(new AssertionError("no matching frame within " + WAIT_MS + " ms; received: " + history()));
    });
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** Every frame received so far, in order. */
  public final synchronized List<JsonObject> history() {
    return new ArrayList<>(history);
  }

  /** Drops every frame received so far, so a flood of events does not pile up in the test. */
  public final synchronized void forget() {
    history.clear();
    inbox.clear();
  }

  /** Called by implementations with each complete text message from the server. */
  protected final void receivedText(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      frame = new JsonObject().put("type", "client-saw-invalid-json").put("text", text);
    }
    Waiter taker = null;
    synchronized (this) {
      history.add(frame);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.match.test(frame)) {
          it.remove();
          taker = waiter;
          break;
        }
      }
      if (taker == null) {
        inbox.add(frame);
      }
    }
    if (taker != null) {
      taker.promise.tryComplete(frame);
    }
  }

  /** Called by implementations when the connection ended; the first report wins. */
  protected final void closedWith(int code, String reason) {
    closed.tryComplete(new Closed(code, reason));
  }

  /**
   * One SockJS frame ({@code o}, {@code h}, {@code a[...]}, {@code c[code,"reason"]}) of the SockJS
   * 0.3.3 protocol; an {@code a} frame carries an array of messages, each a JSON text of ours.
   */
  protected final void receivedSockJsFrame(String frame) {
    if (frame.isEmpty()) {
      return;
    }
    switch (frame.charAt(0)) {
      case 'o', 'h' -> { }
      case 'a' -> new JsonArray(frame.substring(1)).forEach(m -> receivedText((String) m));
      case 'c' -> {
        JsonArray close = new JsonArray(frame.substring(1));
        closedWith(close.getInteger(0), close.getString(1));
      }
      default -> throw new IllegalStateException("not a SockJS frame: " + frame);
    }
  }

  /** Path parts of a new SockJS session. */
  static final class SockJs {
    private static final java.util.concurrent.atomic.AtomicLong NEXT = new java.util.concurrent.atomic.AtomicLong();

    private SockJs() {}

    static String sessionPath() {
      return String.format("%03d", NEXT.get() % 1000) + "/s" + System.nanoTime() + "x" + NEXT.incrementAndGet();
    }
  }
}
