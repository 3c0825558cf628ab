package io.herald.verticles.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens in query strings reach the node on every transport; none may reach a log. Everything
 * logged anywhere in the JVM during the test is captured and searched for the tokens.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class AccessLogTest {

  private static final String BAD_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.forgedsignatureforgedsignature";

  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      logged.add(format.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private NodeDeployment node;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    Logger.getLogger("").addHandler(capture);
    HeraldConfig config = ConfigLoader.load(new String[] {"--http-port", "0", "--ticker", "false"}, Map.of());
    client = vertx.createHttpClient();
    NodeDeployment.deploy(vertx, config).onComplete(ctx.succeeding(deployed -> {
      node = deployed;
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop() {
    Logger.getLogger("").removeHandler(capture);
  }

  @Test
  void queryTokensAreRedactedOnEveryTransport(Vertx vertx, VertxTestContext ctx) {
    get("/dev/token?sub=alice&roles=publisher").compose(r -> r.body()).map(Object::toString)
        .compose(token -> {
          String q = "access_token=" + token;
          return get("/sse?address=user.alice&" + q).compose(sse -> {
                assertEquals(200, sse.statusCode());
                return sse.request().connection().close();
              })
              .compose(v -> vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setPort(node.httpPort()).setHost("127.0.0.1")
                  .setURI("/ws?" + q)).compose(ws -> ws.close()))
              .compose(v -> client.request(HttpMethod.POST, node.httpPort(), "127.0.0.1", "/api/publish?" + q)
                  .compose(r -> r.send("{\"address\":\"public.news\",\"data\":1}")))
              .compose(r -> {
                assertEquals(202, r.statusCode());
                // Parameter names are decoded: an encoded name is a token source too, and is redacted as well.
                return client.request(HttpMethod.POST, node.httpPort(), "127.0.0.1", "/api/publish?access%5Ftoken=" + token)
                    .compose(encoded -> encoded.send("{\"address\":\"public.news\",\"data\":2}"));
              })
              .compose(r -> {
                assertEquals(202, r.statusCode(), "a token in access%5Ftoken was not taken");
                return get("/eventbus/info?" + q);
              })
              .compose(r -> get("/sse?address=user.alice&access_token=" + BAD_TOKEN))
              .compose(r -> {
                assertEquals(401, r.statusCode());
                return awaitLogged(vertx, 6, 50).map(token);
              });
        })
        .onComplete(ctx.succeeding(token -> ctx.verify(() -> {
          for (String line : logged) {
            assertFalse(line.contains(token), () -> "a token was logged: " + line);
            assertFalse(line.contains(BAD_TOKEN), () -> "a rejected token was logged: " + line);
            assertFalse(line.contains("forgedsignature"), () -> "part of a token was logged: " + line);
          }
          for (String request : List.of("GET /sse?address=user.alice&access_token=[redacted] 200", "GET /ws?access_token=[redacted] upgrade",
              "POST /api/publish?access_token=[redacted] 202",
              "POST /api/publish?access%5Ftoken=[redacted] 202", "GET /eventbus/info?access_token=[redacted] 200")) {
            assertTrue(logged.stream().anyMatch(l -> l.contains(request)), () -> "no access log line '" + request + "' in " + logged);
          }
          assertTrue(logged.stream().anyMatch(l -> l.contains("GET /sse?address=user.alice&access_token=[redacted] 401")), logged::toString);
          ctx.completeNow();
        })));
  }

  /** Waits until the access log has at least {@code count} lines with a redacted token. */
  private Future<Void> awaitLogged(Vertx vertx, int count, int attempts) {
    long lines = logged.stream().filter(l -> l.contains("token=[redacted]")).count();
    if (lines >= count || attempts == 0) {
      return Future.succeededFuture();
    }
    return vertx.timer(100).compose(v -> awaitLogged(vertx, count, attempts - 1));
  }

  private Future<HttpClientResponse> get(String uri) {
    return client.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", uri).compose(r -> r.send());
  }
}
