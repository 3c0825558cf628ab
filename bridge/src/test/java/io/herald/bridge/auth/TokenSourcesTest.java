package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.ProtocolFrames;
import io.herald.bridge.support.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Where tokens are read from, and in which order (docs/SECURITY.md, "Where the token is read from"). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TokenSourcesTest {

  @TempDir
  Path keys;

  private Vertx vertx;
  private Tokens tokens;
  private BridgeServer server;
  private HttpClient http;

  record Answer(int status, String wwwAuthenticate, String body) {}

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    tokens = Tokens.create(vertx, keys);
    server = await(BridgeServer.start(vertx, new BridgeOptions(), RuleSet.defaults(),
        JwtAuthenticator.create(vertx, JwtSettings.hmac(Tokens.SECRET))));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  private String alice() {
    return tokens.hs256(sub("alice").expiresIn(Duration.ofHours(1)));
  }

  private Answer call(HttpMethod method, String uri, String authorization) {
    return await(http.request(method, server.port(), "127.0.0.1", uri).compose(request -> {
      if (authorization != null) {
        request.putHeader("authorization", authorization);
      }
      return request.send();
    }).compose(response -> {
      if (response.statusCode() == 200 && "text/event-stream; charset=utf-8".equals(response.getHeader("content-type"))) {
        // A stream: what matters is that it opened.
        return response.request().connection().close().map(new Answer(200, null, ""));
      }
      return response.body().map(b -> new Answer(response.statusCode(), response.getHeader("www-authenticate"), b.toString()));
    }));
  }

  private static void assertUnauthorized(Answer answer) {
    assertEquals(401, answer.status(), answer::toString);
    assertEquals("unauthorized", new JsonObject(answer.body()).getJsonObject("error").getString("code"));
    assertTrue(answer.wwwAuthenticate().startsWith("Bearer error=\"invalid_token\""), answer::toString);
  }

  @Test
  void theAuthorizationHeaderComesBeforeTheQuery() {
    String good = alice();
    String bad = Tokens.hs256WithSecret(Tokens.OTHER_SECRET, sub("alice"));
    assertUnauthorized(call(HttpMethod.GET, "/sse?address=user.alice&access_token=" + good, "Bearer " + bad));
    assertEquals(200, call(HttpMethod.GET, "/sse?address=user.alice&access_token=" + bad, "Bearer " + good).status());
    assertEquals(200, call(HttpMethod.GET, "/sse?address=user.alice", "bearer  " + good).status());
  }

  @Test
  void anAuthorizationHeaderThatIsNotBearerIsRefusedNotIgnored() {
    assertUnauthorized(call(HttpMethod.GET, "/sse?address=user.alice&access_token=" + alice(), "Basic YWxpY2U6c2VjcmV0"));
    assertUnauthorized(call(HttpMethod.GET, "/sse?address=user.alice", "Bearer"));
  }

  @Test
  void everySockJsRequestWithABadTokenIsRefused() {
    String bad = tokens.hs256(sub("alice").expiredAgo(Duration.ofMinutes(10)));
    assertEquals(200, call(HttpMethod.GET, "/eventbus/info", null).status());
    assertUnauthorized(call(HttpMethod.GET, "/eventbus/info?access_token=" + bad, null));
    assertUnauthorized(call(HttpMethod.POST, "/eventbus/000/badtoken1/xhr?access_token=" + bad, null));
    assertUnauthorized(call(HttpMethod.POST, "/eventbus/000/badtoken2/xhr", "Bearer " + bad));
    Answer opened = call(HttpMethod.POST, "/eventbus/000/goodtoken/xhr?access_token=" + alice(), null);
    assertEquals(200, opened.status(), opened::toString);
    assertTrue(opened.body().startsWith("o"), opened::toString);
    Answer badSend = call(HttpMethod.POST, "/eventbus/000/goodtoken/xhr_send?access_token=" + bad, null);
    assertUnauthorized(badSend);
    assertFalse(badSend.body().contains(bad), badSend::toString);
  }

  @Test
  void aFrameHeaderThatIsNotBearerIsAnUnauthorizedError() {
    FrameClient xhr = await(FrameClient.sockJsXhrPolling(vertx, server.port()));
    try {
      await(xhr.send(ProtocolFrames.register("user.alice", "r").put("headers", new JsonObject().put("authorization", "Token abc"))));
      ProtocolFrames.assertError(await(xhr.next(f -> "r".equals(f.getValue("ref")))), "unauthorized", 401);
      await(xhr.send(ProtocolFrames.register("user.alice", "r2").put("headers", new JsonObject().put("AUTHORIZATION", "Bearer " + alice()))));
      await(xhr.next(ProtocolFrames.ack("r2")));
    } finally {
      await(xhr.close());
    }
  }
}
