package io.herald.verticles.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An answer that lasts (an SSE stream) is logged when it ends, without the access log keeping its
 * routing context alive meanwhile: vert.x-web's end handlers would hold it, about 1 KB per open
 * stream on a node that logs access, which is the default.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AccessLogFootprintTest {

  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final List<WeakReference<Object>> routingContexts = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Logger.getLogger("herald.access").addHandler(capture);
    Router router = Router.router(vertx);
    router.route().handler(rc -> {
      routingContexts.add(new WeakReference<>(rc));
      rc.next();
    });
    router.route().handler(new AccessLog());
    // A stream in the way the SSE transport keeps one: the response, never the routing context.
    router.get("/stream").handler(rc -> rc.response().setChunked(true).write("open\n"));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("herald.access").removeHandler(capture);
    server.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anOpenStreamDoesNotKeepItsRoutingContextAndIsLoggedWhenItCloses(Vertx vertx) throws Exception {
    HttpClient client = vertx.createHttpClient();
    Promise<HttpClientResponse> opened = Promise.promise();
    vertx.runOnContext(v -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/stream")
        .compose(request -> request.send())
        .onSuccess(response -> response.handler(chunk -> opened.tryComplete(response)))
        .onFailure(opened::tryFail));
    HttpClientResponse response = opened.future().await(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());

    assertEquals(1, routingContexts.size(), "one request was seen");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (routingContexts.get(0).get() != null && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
    }
    assertNull(routingContexts.get(0).get(), "the open stream's routing context is still reachable");
    assertTrue(logged.stream().noneMatch(line -> line.contains("/stream")), "logged before it ended: " + logged);

    response.request().connection().close().await(10, TimeUnit.SECONDS);
    awaitLine(vertx, "GET /stream 200").await(10, TimeUnit.SECONDS);
    client.close();
  }

  private Future<Void> awaitLine(Vertx vertx, String text) {
    if (logged.stream().anyMatch(line -> line.contains(text))) {
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(v -> awaitLine(vertx, text));
  }
}
