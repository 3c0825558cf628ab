package io.herald.bridge.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The HTTP requests of one SockJS session's test client: {@code POST <base>/<transport>[?query]} to
 * the node its {@link NodeChooser} picks, each exchange on one event loop.
 */
public final class SockJsSessionRequests {

  /** An HTTP answer as it came. */
  public record Answer(int status, String body) {}

  private final HttpClient http;
  private final String base;
  private final String query;
  private final NodeChooser nodes;
  private final Context loop;
  /** Requests made so far per transport; touched on {@link #loop} only. */
  private final Map<String, Integer> made = new HashMap<>();

  /**
   * @param base the session's path, {@code /eventbus/<server>/<session>}
   * @param query appended to every request (an {@code access_token}, say), or {@code null}
   */
  SockJsSessionRequests(Vertx vertx, String base, String query, NodeChooser nodes) {
    // vertx-web closes the connection after every poll answer: a pooled connection could be reused
    // just as the server closes it, so every request gets a connection of its own.
    this.http = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(8));
    this.base = base;
    this.query = query;
    this.nodes = nodes;
    this.loop = vertx.getOrCreateContext();
  }

  String base() {
    return base;
  }

  /** A whole exchange; a {@code text/plain} body when one is given. */
  Future<Answer> post(String transport, String body) {
    return onLoop(() -> request(transport)
        .compose(request -> body == null ? request.send() : request.putHeader("content-type", "text/plain").send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString()))));
  }

  /**
   * A request to the chosen node, on the loop. The caller must stay on the loop through its chain,
   * so the response's handlers are set before its body can arrive.
   */
  Future<HttpClientRequest> request(String transport) {
    int n = made.merge(transport, 1, Integer::sum) - 1;
    String uri = base + "/" + transport + (query == null ? "" : "?" + query);
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(nodes.port(transport, n)).setURI(uri));
  }

  /**
   * Runs a chain on the loop: driven from a test thread, a callback attached to an already-completed
   * future runs there, and {@code response.body()} could be asked for after the response had ended,
   * leaving the request waiting forever.
   */
  <T> Future<T> onLoop(Supplier<Future<T>> chain) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> chain.get().onComplete(result));
    return result.future();
  }

  Future<Void> close() {
    return http.close();
  }
}
