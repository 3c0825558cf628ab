package io.herald.bridge.support;

import io.herald.bridge.support.SockJsSessionRequests.Answer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

/**
 * A {@link FrameClient} over SockJS 0.3.3 xhr-polling: {@code POST .../xhr} is answered with one
 * SockJS frame (the first is {@code o}), and is repeated until a {@code c} frame arrives;
 * {@code POST .../xhr_send} carries a JSON array of message strings and is answered 204.
 *
 * <p>Each request goes to the node a {@link NodeChooser} picks, so one session's requests can
 * alternate between the nodes of a cluster as behind a round-robin load balancer. An {@code o}
 * frame after the first means the server lost the session (another one answered): the client
 * ends there, as the stock SockJS client does.
 *
 * <p>SockJS has no close request: {@link #close} drops the client's HTTP connections, which ends
 * the pending poll and with it the session.
 */
public final class XhrPollingFrameClient extends FrameClient {

  private final SockJsSessionRequests requests;
  private volatile boolean closing;

  private XhrPollingFrameClient(Vertx vertx, SockJsSessionRequests requests) {
    super(vertx);
    this.requests = requests;
  }

  /** Opens a session: completes once the server answered the first poll with {@code o}. */
  public static Future<XhrPollingFrameClient> open(Vertx vertx, int port) {
    return open(vertx, NodeChooser.only(port), null);
  }

  /**
   * Opens a session whose requests go where {@code nodes} says.
   *
   * @param query appended to every request's URL, as the SockJS client keeps the query of its URL
   *     (an {@code access_token}); {@code null} for none
   */
  public static Future<XhrPollingFrameClient> open(Vertx vertx, NodeChooser nodes, String query) {
    SockJsSessionRequests requests = new SockJsSessionRequests(vertx, "/eventbus/" + SockJs.sessionPath(), query, nodes);
    XhrPollingFrameClient client = new XhrPollingFrameClient(vertx, requests);
    return requests.post("xhr", null)
        .compose(first -> first.status() == 200 && first.body().startsWith("o")
            ? Future.succeededFuture(client)
            : Future.failedFuture("SockJS session did not open: " + first))
        .onSuccess(c -> c.poll())
        .onFailure(e -> requests.close());
  }

  /** The session's path, {@code /eventbus/<server>/<session>}, for requests the client does not make itself. */
  public String path() {
    return requests.base();
  }

  /** The session's id, the path's last part. */
  public String sessionId() {
    return path().substring(path().lastIndexOf('/') + 1);
  }

  /** Posts a raw {@code xhr_send} body, for tests of what the server does with odd bodies. */
  public Future<Answer> xhrSend(String body) {
    return closing ? Future.failedFuture("client closed") : requests.post("xhr_send", body);
  }

  @Override
  public Future<Void> sendText(String text) {
    return xhrSend(new JsonArray().add(text).encode()).compose(answer -> answer.status() == 204
        ? Future.succeededFuture()
        : Future.failedFuture("xhr_send was answered " + answer));
  }

  @Override
  public Future<Void> close() {
    closing = true;
    return requests.close().onComplete(done -> closedWith(1000, "client closed"));
  }

  private void poll() {
    if (closing || closed().isComplete()) {
      return;
    }
    requests.post("xhr", null).onComplete(answer -> {
      if (answer.failed() || answer.result().status() != 200) {
        if (!closing) {
          closedWith(1006, answer.failed() ? answer.cause().toString() : "poll answered " + answer.result());
        }
        return;
      }
      for (String frame : answer.result().body().split("\n")) {
        if (frame.equals("o")) {
          closedWith(1006, "Server lost session");
          return;
        }
        receivedSockJsFrame(frame);
      }
      poll();
    });
  }
}
