package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;

/**
 * A {@link FrameClient} over a Vert.x {@link WebSocket}: either one JSON frame per message (raw), or
 * SockJS framing, where the server sends {@code o}/{@code h}/{@code a[...]}/{@code c[...]} and the
 * client sends a JSON array of message strings.
 */
public final class WebSocketFrameClient extends FrameClient {

  private final WebSocketClient client;
  private final boolean sockJsFraming;
  private WebSocket socket;

  private WebSocketFrameClient(Vertx vertx, WebSocketClient client, boolean sockJsFraming) {
    super(vertx);
    this.client = client;
    this.sockJsFraming = sockJsFraming;
  }

  /** A raw WebSocket client for the given path. */
  public static Future<WebSocketFrameClient> raw(Vertx vertx, int port, String path) {
    return connect(vertx, port, path, false, new WebSocketClientOptions());
  }

  /** A raw WebSocket client with its own client options (frame sizes, for instance). */
  public static Future<WebSocketFrameClient> raw(Vertx vertx, int port, String path, WebSocketClientOptions options) {
    return connect(vertx, port, path, false, options);
  }

  /** A client with SockJS framing for {@code /eventbus/<server>/<session>/websocket} (a query string may follow). */
  public static Future<WebSocketFrameClient> sockJs(Vertx vertx, int port, String path) {
    return connect(vertx, port, path, true, new WebSocketClientOptions());
  }

  /**
   * Runs on an event loop wherever it is called from: from a test thread, a callback on an already
   * completed future runs on that thread, and Vert.x resumes the socket as its connect completes, so
   * the first frames (the welcome) could go by before the handlers were set.
   */
  private static Future<WebSocketFrameClient> connect(Vertx vertx, int port, String path, boolean sockJs,
      WebSocketClientOptions options) {
    Promise<WebSocketFrameClient> opened = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> open(vertx, port, path, sockJs, options).onComplete(opened));
    return opened.future();
  }

  private static Future<WebSocketFrameClient> open(Vertx vertx, int port, String path, boolean sockJs,
      WebSocketClientOptions options) {
    // Events of the tests are up to a few tens of kilobytes; leave room above the defaults.
    options.setMaxFrameSize(Math.max(options.getMaxFrameSize(), 256 * 1024))
        .setMaxMessageSize(Math.max(options.getMaxMessageSize(), 1024 * 1024));
    WebSocketClient client = vertx.createWebSocketClient(options);
    WebSocketFrameClient frameClient = new WebSocketFrameClient(vertx, client, sockJs);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    return client.connect(connect)
        .map(ws -> frameClient.attach(ws))
        .onFailure(e -> client.close());
  }

  private WebSocketFrameClient attach(WebSocket ws) {
    this.socket = ws;
    ws.textMessageHandler(sockJsFraming ? this::receivedSockJsFrame : this::receivedText);
    // The protocol is JSON text; a binary message from the server is recorded as a protocol breach.
    ws.binaryMessageHandler(b -> receivedText(new io.vertx.core.json.JsonObject()
        .put("type", "client-saw-binary").put("text", b.toString()).encode()));
    ws.closeHandler(v -> {
      Short code = ws.closeStatusCode();
      closedWith(code == null ? 1006 : code, ws.closeReason());
      client.close();
    });
    return this;
  }

  /** The socket itself, for what only a WebSocket can do (binary frames, pause). */
  public WebSocket webSocket() {
    return socket;
  }

  @Override
  public Future<Void> sendText(String text) {
    return socket.writeTextMessage(sockJsFraming ? new JsonArray().add(text).encode() : text);
  }

  public Future<Void> sendBinary(Buffer data) {
    return socket.writeBinaryMessage(data);
  }

  @Override
  public Future<Void> close() {
    return socket.close();
  }
}
