package io.herald.bridge.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;

/**
 * A {@link FrameClient} over SockJS 0.3.3 xhr-polling: {@code POST .../xhr} is answered with one
 * SockJS frame (the first is {@code o}), and is repeated until a {@code c} frame arrives;
 * {@code POST .../xhr_send} carries a JSON array of message strings and is answered 204.
 *
 * <p>SockJS has no close request: {@link #close} drops the client's HTTP connections, which ends
 * the pending poll and with it the session.
 */
public final class XhrPollingFrameClient extends FrameClient {

  /** An HTTP answer as it came. */
  public record Answer(int status, String body) {}

  private final HttpClient http;
  private final String base;
  private final Context loop;
  private volatile boolean closing;

  private XhrPollingFrameClient(Vertx vertx, HttpClient http, String base) {
    super(vertx);
    this.http = http;
    this.base = base;
    this.loop = vertx.getOrCreateContext();
  }

  /** Opens a session: completes once the server answered the first poll with {@code o}. */
  public static Future<XhrPollingFrameClient> open(Vertx vertx, int port) {
    // vertx-web closes the connection after every poll answer: a pooled connection could be reused
    // just as the server closes it, so every request gets a connection of its own.
    HttpClient http = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(4));
    XhrPollingFrameClient client = new XhrPollingFrameClient(vertx, http, "/eventbus/" + SockJs.sessionPath());
    return client.post("/xhr", null)
        .compose(first -> first.status() == 200 && first.body().startsWith("o")
            ? Future.succeededFuture(client)
            : Future.failedFuture("SockJS session did not open: " + first))
        .onSuccess(c -> c.poll())
        .onFailure(e -> http.close());
  }

  /** The session's path, {@code /eventbus/<server>/<session>}, for requests the client does not make itself. */
  public String path() {
    return base;
  }

  /** Posts a raw {@code xhr_send} body, for tests of what the server does with odd bodies. */
  public Future<Answer> xhrSend(String body) {
    return post("/xhr_send", body);
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
    return http.close().onComplete(done -> closedWith(1000, "client closed"));
  }

  private void poll() {
    if (closing || closed().isComplete()) {
      return;
    }
    post("/xhr", null).onComplete(answer -> {
      if (answer.failed() || answer.result().status() != 200) {
        if (!closing) {
          closedWith(1006, answer.failed() ? answer.cause().toString() : "poll answered " + answer.result());
        }
        return;
      }
      for (String frame : answer.result().body().split("\n")) {
        receivedSockJsFrame(frame);
      }
      poll();
    });
  }

  private Future<Answer> post(String suffix, String body) {
    if (closing) {
      return Future.failedFuture("client closed");
    }
    // Every exchange runs on one event loop: driven from a test thread, a callback attached to an
    // already-completed future runs there, and response.body() could be asked for after the
    // response had ended, leaving the request waiting forever.
    Promise<Answer> answer = Promise.promise();
    loop.runOnContext(v -> http.request(HttpMethod.POST, base + suffix)
        .compose(request -> body == null ? request.send() : request.putHeader("content-type", "text/plain").send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString())))
        .onComplete(answer));
    return answer.future();
  }
}
