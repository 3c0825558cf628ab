package io.herald.bridge.support;

import io.herald.bridge.BridgeStats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.http.HttpClientInternal;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Blocking helpers for test threads: plain HTTP calls, bounded waits, and polling a bridge's stats. */
public final class Http {

  /** Long enough for a loaded two-core machine; tests also carry their own {@code @Timeout}. */
  public static final long WAIT_SECONDS = 20;

  private Http() {}

  public record Reply(int status, String contentType, Buffer body) {
    public JsonObject json() {
      return body.toJsonObject();
    }

    /** The {@code error.code} of a JSON error answer. */
    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }
  }

  /**
   * The whole exchange runs on an event loop: driven from the test thread, a callback attached to an
   * already-completed future runs on that thread, and {@code response.body()} could then be asked
   * for after the response had ended, leaving the call waiting forever.
   */
  public static Reply call(HttpClient client, HttpMethod method, int port, String uri, Buffer body) {
    return call(client, method, port, uri, body, MultiMap.caseInsensitiveMultiMap());
  }

  /** {@link #call} with extra request headers. */
  public static Reply call(HttpClient client, HttpMethod method, int port, String uri, Buffer body, MultiMap headers) {
    Promise<Reply> reply = Promise.promise();
    ((HttpClientInternal) client).vertx().getOrCreateContext().runOnContext(v ->
        client.request(method, port, "127.0.0.1", uri)
            .map(request -> {
              request.headers().addAll(headers);
              return request;
            })
            .compose(request -> body == null ? request.send()
                : request.headers().contains("content-type") ? request.send(body) : request.putHeader("content-type", "application/json").send(body))
            .compose(response -> response.body()
                .map(b -> new Reply(response.statusCode(), response.getHeader("content-type"), b)))
            .onComplete(reply));
    return await(reply.future());
  }

  public static Reply get(HttpClient client, int port, String uri) {
    return call(client, HttpMethod.GET, port, uri, null);
  }

  public static Reply post(HttpClient client, int port, String uri, String body) {
    return call(client, HttpMethod.POST, port, uri, Buffer.buffer(body));
  }

  /** Runs {@code action} on {@code context} (where the object it touches is confined) and waits for its result. */
  public static <T> T on(Context context, Supplier<T> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return await(result.future());
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within " + WAIT_SECONDS + " s", e);
    }
  }

  /**
   * Polls the bridge's stats until they satisfy the condition, for at most {@link #WAIT_SECONDS}, and
   * returns the last snapshot either way so the caller's assertions say what was wrong.
   */
  public static BridgeStats statsUntil(BridgeServer server, Predicate<BridgeStats> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    BridgeStats stats = await(server.stats());
    while (!condition.test(stats) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      stats = await(server.stats());
    }
    return stats;
  }
}
