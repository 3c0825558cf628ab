package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonArray;

/**
 * A {@link FrameClient} over SockJS 0.3.3 xhr-streaming: {@code POST .../xhr_streaming} is answered
 * with a stream of SockJS frames, one per line, after a 2 KiB prelude of {@code h}s; messages go
 * out with {@code POST .../xhr_send}. SockJS ends a stream after some bytes; the client then opens
 * the next one, as the stock client does.
 *
 * <p>Each request goes to the node a {@link NodeChooser} picks. {@link #attach} receives on a
 * session that another request opened, so a test can stream through one node from a session that
 * another node holds.
 */
public final class XhrStreamingFrameClient extends FrameClient {

  private final SockJsSessionRequests requests;
  /** The part of the stream after its last newline; touched on the requests' loop only. */
  private final StringBuilder partial = new StringBuilder();
  private volatile boolean closing;

  private XhrStreamingFrameClient(Vertx vertx, SockJsSessionRequests requests) {
    super(vertx);
    this.requests = requests;
  }

  /**
   * Receives on an open session through xhr-streaming; completes once the stream's request went out.
   *
   * @param sessionPath {@code /eventbus/<server>/<session>}
   * @param query appended to every request's URL (an {@code access_token}), or {@code null}
   */
  public static Future<XhrStreamingFrameClient> attach(Vertx vertx, String sessionPath, NodeChooser nodes, String query) {
    SockJsSessionRequests requests = new SockJsSessionRequests(vertx, sessionPath, query, nodes);
    XhrStreamingFrameClient client = new XhrStreamingFrameClient(vertx, requests);
    return client.stream().map(client).onFailure(e -> requests.close());
  }

  @Override
  public Future<Void> sendText(String text) {
    if (closing) {
      return Future.failedFuture("client closed");
    }
    return requests.post("xhr_send", new JsonArray().add(text).encode()).compose(answer -> answer.status() == 204
        ? Future.succeededFuture()
        : Future.failedFuture("xhr_send was answered " + answer));
  }

  @Override
  public Future<Void> close() {
    closing = true;
    return requests.close().onComplete(done -> closedWith(1000, "client closed"));
  }

  /**
   * Opens a stream; completes once the request went out. Its answer's head may come much later:
   * SockJS sends nothing on a stream, head included, until it has a frame for it.
   */
  private Future<Void> stream() {
    return requests.onLoop(() -> requests.request("xhr_streaming").compose(request -> {
      request.response().onComplete(head -> {
        if (head.failed()) {
          failed(head.cause().toString());
        } else if (head.result().statusCode() != 200) {
          head.result().body().onComplete(body -> failed("xhr_streaming answered " + head.result().statusCode()
              + (body.succeeded() ? ": " + body.result() : "")));
        } else {
          // On the loop, in the callback of the head: no part of the body can have gone by.
          receive(head.result());
        }
      });
      return request.end();
    }));
  }

  private void receive(HttpClientResponse response) {
    response.handler(this::received);
    response.exceptionHandler(e -> failed(e.toString()));
    response.endHandler(v -> {
      if (!closing && !closed().isComplete()) {
        stream().onFailure(e -> failed(e.toString()));
      }
    });
  }

  private void failed(String why) {
    if (!closing) {
      closedWith(1006, why);
    }
  }

  private void received(Buffer chunk) {
    partial.append(chunk.toString());
    int newline;
    while ((newline = partial.indexOf("\n")) >= 0) {
      String frame = partial.substring(0, newline);
      partial.delete(0, newline + 1);
      receivedSockJsFrame(frame);
    }
  }
}
