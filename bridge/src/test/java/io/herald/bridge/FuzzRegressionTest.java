package io.herald.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.FuzzInputs;
import io.herald.bridge.support.Fuzzer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.RawHttp;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inputs {@link FuzzTest} found that broke the bridge, kept as fixed cases: each is checked like
 * a fuzz input (no 5xx, a JSON error on every 4xx) and for the exact answer it must get.
 */
@Tag("fuzz")
@ExtendWith(VertxExtension.class)
class FuzzRegressionTest {

  private static final String SECRET = "herald-fuzz-secret-that-is-long-enough-0123456789";

  private Vertx vertx;
  private BridgeServer server;
  private Fuzzer fuzzer;
  private String token;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    token = signer.generateToken(new JsonObject().put("sub", "fuzzer"), new JWTOptions().setExpiresInSeconds(3600));
    server = Http.await(BridgeServer.start(vertx, new BridgeOptions().setMaxFrameSize(FuzzTest.MAX_FRAME).setMaxBodySize(FuzzTest.MAX_BODY),
        RuleSet.defaults(), JwtAuthenticator.create(vertx, JwtSettings.hmac(SECRET))));
    fuzzer = new Fuzzer(vertx, server.port(), FuzzTest.MAX_FRAME, FuzzTest.MAX_BODY,
        new FuzzInputs(new Random(0), List.of(token), 1, List.of("public.x")), new RawHttp(vertx));
  }

  private void expect(int status, String code, String method, String uri, Map<String, String> headers, String body) {
    RawHttp.Answer answer = fuzzer.replay(method, uri, headers, body == null ? null : Buffer.buffer(body));
    assertTrue(fuzzer.findings().isEmpty(), () -> String.join("\n", fuzzer.findings()));
    assertEquals(status, answer.status(), () -> method + " " + uri + ": " + answer.body());
    if (!method.equals("HEAD")) {
      assertEquals(code, new JsonObject(answer.body()).getJsonObject("error").getString("code"), () -> method + " " + uri);
    }
  }

  private static Map<String, String> headers(String... nameValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.put(nameValues[i], nameValues[i + 1]);
    }
    return map;
  }

  /** Was a 500 internal: the query string was first decoded inside the handler, which threw. */
  @Test
  void undecodableQueryStringIsABadRequestOnEveryDoor() {
    expect(400, "bad-request", "GET", "/sse?address=user.fuzzer%z&access_token=" + token, Map.of(), null);
    expect(400, "bad-request", "GET", "/sse?address=public.x%zz", Map.of("Authorization", "Bearer " + token), null);
    expect(400, "bad-request", "POST", "/api/publish?access_token=%zz", Map.of("Content-Type", "application/json"), "{}");
    expect(400, "bad-request", "GET", "/eventbus/429/abc/jsonp?c=callback_8%zz", Map.of(), null);
    expect(400, "bad-request", "GET", "/eventbus/026/abc/htmlfile?c=x%1F%zz", Map.of("Authorization", "Bearer " + token), null);
    expect(400, "bad-request", "GET", "/ws?access_token=a.b.c%z",
        headers("Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"), null);
  }

  /**
   * Got no answer at all: with a form content type, vertx-web's BodyHandler merges the form into the
   * request's parameters, decoding the query string inside its end handler, which threw.
   */
  @Test
  void undecodableQueryStringWithAFormBodyIsAnswered() {
    Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
    expect(400, "bad-request", "POST", "/api/publish?access_token=" + token + "%G1", form, "[]");
    XhrPollingFrameClient session = Http.await(XhrPollingFrameClient.open(vertx, server.port()));
    expect(400, "bad-request", "POST", session.path() + "/jsonp_send?access_token=" + token + "%u0041", form, "d=%5B%22x%22%5D");
    expect(400, "bad-request", "POST", session.path() + "/xhr_send?x=%zz", form, "[\"x\"]");
    Http.await(session.close());
  }

  /** Was the router's plain-text 400, and then a 500 (vertx-web calls the 400 handler with no status). */
  @Test
  void undecodablePathIsAJsonBadRequest() {
    expect(400, "bad-request", "GET", "/%zz", Map.of(), null);
    expect(400, "bad-request", "OPTIONS", "/%C2%85%C3%A9%C3%A9]%&%00'$>", Map.of(), null);
    expect(400, "bad-request", "POST", "/eventbus/<U%_/raw171/xhr", Map.of(), null);
    expect(400, "bad-request", "FOO", "/%r%10fq%06Wd,~h", Map.of(), null);
  }

  /** Were 500s from vertx-web's SockJS handler: "callback" parameter required / invalid "callback" parameter. */
  @Test
  void jsonpAndHtmlfileWithoutAValidCallbackAreBadRequests() {
    expect(400, "bad-request", "GET", "/eventbus/041/abc/jsonp", Map.of(), null);
    expect(400, "bad-request", "GET", "/eventbus/041/abc/jsonp?c=a%3Bb", Map.of(), null);
    expect(400, "bad-request", "GET", "/eventbus/676/abc/htmlfile?c=%EC%97%8B", Map.of(), null);
    expect(400, "bad-request", "GET", "/eventbus/676/abc/htmlfile", Map.of(), null);
  }

  /**
   * Were 500s (Payload expected. / Broken JSON encoding. / Invalid Content-Type) and bare 404s from
   * vertx-web's SockJS handler.
   */
  @Test
  void sendsWithAMalformedBodyOrToNoSessionAreJsonErrors() {
    XhrPollingFrameClient session = Http.await(XhrPollingFrameClient.open(vertx, server.port()));
    String path = session.path();
    Map<String, String> text = Map.of("Content-Type", "text/plain");
    expect(400, "bad-json", "POST", path + "/xhr_send", text, "");
    expect(400, "bad-json", "POST", path + "/xhr_send", text, "gn\u0014h2\u0002kh37\tLw-\u001f;UL7");
    expect(400, "bad-json", "POST", path + "/xhr_send", text, "[[\"nested\"]]");
    expect(400, "bad-request", "POST", path + "/jsonp_send", Map.of("Content-Type", "application/json"), "d=%5B%22x%22%5D");
    expect(400, "bad-request", "POST", path + "/jsonp_send", Map.of(), "d=%5B%22x%22%5D");
    expect(400, "bad-json", "POST", path + "/jsonp_send", Map.of("Content-Type", "application/x-www-form-urlencoded"), "d=");
    // vertx-web merges a form into the request's parameters, so this one is refused with them.
    expect(400, "bad-request", "POST", path + "/jsonp_send", Map.of("Content-Type", "application/x-www-form-urlencoded"), "d=%zz");
    expect(404, "not-found", "POST", "/eventbus/976/nosuchsession/jsonp_send", Map.of("Content-Type", "text/plain"), "[\"x\"]");
    expect(404, "not-found", "POST", "/eventbus/976/nosuchsession/xhr_send", text, "[\"x\"]");
    // What the stock client sends still gets through.
    RawHttp.Answer ok = fuzzer.replay("POST", path + "/xhr_send", text, Buffer.buffer("[\"{\\\"type\\\":\\\"ping\\\"}\"]"));
    assertEquals(204, ok.status(), () -> ok.body().toString());
    RawHttp.Answer form = fuzzer.replay("POST", path + "/jsonp_send", Map.of("Content-Type", "application/x-www-form-urlencoded"),
        Buffer.buffer("d=%5B%22%7B%5C%22type%5C%22%3A%5C%22ping%5C%22%7D%22%5D"));
    assertEquals(200, form.status(), () -> form.body().toString());
    Http.await(session.close());
  }

  /** Were plain-text answers of Vert.x's and SockJS's own WebSocket handshakes. */
  @Test
  void brokenWebSocketHandshakesAreJsonErrors() {
    String key = "dGhlIHNhbXBsZSBub25jZQ==";
    expect(400, "bad-request", "GET", "/eventbus/207/abc/websocket", Map.of(), null);
    expect(405, "method-not-allowed", "TRACE", "/eventbus/987/abc/websocket", Map.of(), null);
    expect(400, "bad-request", "GET", "/eventbus/websocket",
        headers("Connection", "close", "Upgrade", "websocket", "Sec-WebSocket-Key", key, "Sec-WebSocket-Version", "13"), null);
    expect(400, "bad-request", "GET", "/ws", headers("Connection", "keep-alive", "Upgrade", "websocket", "Sec-WebSocket-Key", key,
        "Sec-WebSocket-Version", "13"), null);
    expect(400, "bad-request", "GET", "/ws", headers("Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Key", key), null);
    expect(400, "bad-request", "GET", "/eventbus/000/abc/websocket", headers("Connection", "Upgrade", "Upgrade", "websocket",
        "Sec-WebSocket-Version", "13"), null);
  }

  /**
   * Was closed with 1011 transport-error, which tells the client to reconnect and send it again.
   * (SockJS's framed WebSocket transport closes with a code of its own; there the client reads
   * {@code too-large} from the err frame: SockJsFrameOverTheLimitTest.)
   */
  @Test
  void sockJsRawWebSocketMessageOverTheLimitClosesWith1009() {
    String big = "{\"type\":\"publish\",\"address\":\"public.fuzz.big\",\"body\":\"" + "q".repeat(2 * FuzzTest.MAX_FRAME) + "\"}";
    WebSocketFrameClient client = Http.await(WebSocketFrameClient.raw(vertx, server.port(), "/eventbus/websocket"));
    client.sendText(big);
    FrameClient.Closed closed = Http.await(client.closed());
    assertEquals(new FrameClient.Closed(1009, "too-large"), closed);
  }
}
