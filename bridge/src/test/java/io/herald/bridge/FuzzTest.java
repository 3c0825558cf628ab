package io.herald.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.bridge.auth.JwtSettings;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.Canary;
import io.herald.bridge.support.FrameClient;
import io.herald.bridge.support.FuzzInputs;
import io.herald.bridge.support.Fuzzer;
import io.herald.bridge.support.Http;
import io.herald.bridge.support.RawHttp;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.WebSocketFrameClient;
import io.herald.bridge.support.XhrPollingFrameClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Throws thousands of random and malformed inputs at every door of one real bridge (SSE, the publish
 * API, wrong methods and paths, SockJS over HTTP, WebSocket and SockJS sockets, raw bytes after a
 * WebSocket handshake) while a well-behaved SSE and WebSocket subscriber watch a numbered canary.
 *
 * <p>It fails on any 5xx, any 4xx without a JSON error, any {@code internal} error frame, any gap
 * in the canary, and on anything a fuzz client leaves behind (connections, consumers, sockets).
 *
 * <p>The inputs come from one seeded {@link Random}: {@code -Dherald.fuzz.seed=<n>} replays a run
 * ({@code random} for a fresh seed), {@code -Dherald.fuzz.inputs} and {@code -Dherald.fuzz.millis}
 * bound it, and {@code -Dherald.fuzz.only=ws,sse} restricts it to some kinds of input.
 *
 * <p>Tagged {@code fuzz}: Maven runs it in a JVM of its own (the {@code fuzz} surefire execution).
 */
@Tag("fuzz")
@ExtendWith(VertxExtension.class)
class FuzzTest {

  private static final String SECRET = "herald-fuzz-secret-that-is-long-enough-0123456789";
  private static final String OTHER_SECRET = "not-the-server-secret-but-long-enough-0123456789";
  static final int MAX_FRAME = 4096;
  static final int MAX_BODY = 8192;
  private static final long DEFAULT_SEED = 0x5eed_f022L;

  @Test
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  void noInputBreaksTheBridge(Vertx vertx) {
    long seed = seed();
    int maxInputs = Integer.getInteger("herald.fuzz.inputs", 6000);
    long maxMillis = Long.getLong("herald.fuzz.millis", 45_000);
    System.out.println("[fuzz] seed " + seed + " (replay: -Dherald.fuzz.seed=" + seed + ")");

    List<String> unhandled = Collections.synchronizedList(new ArrayList<>());
    vertx.exceptionHandler(e -> unhandled.add(stackOf(e)));

    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    BridgeOptions options = new BridgeOptions()
        .setMaxFrameSize(MAX_FRAME)
        .setMaxBodySize(MAX_BODY)
        .setQueueSize(64)
        .setHeartbeatInterval(Duration.ofSeconds(5))
        .setReplyTimeout(Duration.ofSeconds(1));
    BridgeServer server = Http.await(BridgeServer.start(vertx, options, RuleSet.defaults(),
        JwtAuthenticator.create(vertx, JwtSettings.hmac(SECRET))));
    int port = server.port();

    String watcher = signer.generateToken(new JsonObject().put("sub", "watcher"), new JWTOptions().setExpiresInSeconds(3600));
    FuzzInputs inputs = new FuzzInputs(new Random(seed), tokens(vertx, signer), 4,
        List.of(Canary.ADDRESS, "public.fuzz.a", "public.fuzz.b", "user.fuzzer", "group.g1", "public.x.y.z"));

    // The well-behaved subscribers, and the canary they watch.
    Canary canary = new Canary(vertx);
    canary.start(20);
    HttpClient http = vertx.createHttpClient();
    SseClient sse = Http.await(SseClient.connect(http, port, "/sse?address=" + Canary.ADDRESS + "&access_token=" + watcher));
    Http.await(sse.connected());
    long sseFrom = canary.published();
    FrameClient ws = Http.await(WebSocketFrameClient.raw(vertx, port, "/ws?access_token=" + watcher));
    Http.await(ws.send(new JsonObject().put("type", "register").put("address", Canary.ADDRESS).put("id", "canary"))
        .compose(v -> ws.next(f -> "ack".equals(f.getValue("type")) && "canary".equals(f.getValue("ref")))));
    long wsFrom = canary.published();

    Fuzzer fuzzer = new Fuzzer(vertx, port, MAX_FRAME, MAX_BODY, inputs, new RawHttp(vertx));
    String only = System.getProperty("herald.fuzz.only", "");
    if (!only.isBlank()) {
      fuzzer.only(Set.of(only.split(",")));
    }
    long start = System.currentTimeMillis();
    long nextCheck = start + 3000;
    long mustReach = 0;
    Set<String> watcherProblems = new TreeSet<>();
    while (fuzzer.total() < maxInputs && System.currentTimeMillis() - start < maxMillis) {
      fuzzer.one();
      if (System.currentTimeMillis() >= nextCheck) {
        // Throughout the run, both subscribers must be up to where the canary was at the last check.
        checkWatcher("sse", Canary.problem(canary.seenBy(sse), sseFrom, mustReach), sse.ended().isComplete(), watcherProblems);
        checkWatcher("websocket", Canary.problem(canary.seenBy(ws), wsFrom, mustReach), ws.closed().isComplete(), watcherProblems);
        mustReach = canary.published();
        nextCheck = System.currentTimeMillis() + 3000;
      }
    }
    long fuzzMillis = System.currentTimeMillis() - start;
    fuzzer.finish();
    System.out.println("[fuzz] " + fuzzer.total() + " inputs in " + fuzzMillis + " ms: " + fuzzer.counts());
    System.out.println("[fuzz] milliseconds per kind: " + fuzzer.millis());

    // The canary: every event after each subscriber connected, in order, up to the last one.
    canary.stop();
    long last = canary.published();
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline
        && (Canary.problem(canary.seenBy(sse), sseFrom, last) != null || Canary.problem(canary.seenBy(ws), wsFrom, last) != null)) {
      sleep(50);
    }
    checkWatcher("sse", Canary.problem(canary.seenBy(sse), sseFrom, last), sse.ended().isComplete(), watcherProblems);
    checkWatcher("websocket", Canary.problem(canary.seenBy(ws), wsFrom, last), ws.closed().isComplete(), watcherProblems);
    System.out.println("[fuzz] canary: " + last + " published; sse saw " + canary.seenBy(sse).size()
        + " from " + sseFrom + ", websocket saw " + canary.seenBy(ws).size() + " from " + wsFrom);

    // Whatever the fuzz clients held is released: SockJS sessions nobody polls end after SockJS's
    // session timeout (5 s), the rest at once. What stays is the two subscribers': the canary and
    // their user's own address (user.watcher, the user channel), one consumer each.
    BridgeStats stats = Http.statsUntil(server, s -> s.connections() == 2 && s.consumers() == 2 && s.subscriptions() == 4);
    int open = openConnectionsUntil(server, 2);
    List<String> leftHandlers = new ArrayList<>();
    for (String address : fuzzer.acknowledgedAddresses()) {
      if (address.equals(Canary.ADDRESS)) {
        continue;
      }
      Throwable failure = Http.await(vertx.eventBus().request(address, "anyone?", new DeliveryOptions().setSendTimeout(2000))
          .map(reply -> (Throwable) null).otherwise(e -> e));
      if (!(failure instanceof ReplyException reply) || reply.failureType() != ReplyFailure.NO_HANDLERS) {
        leftHandlers.add(address + " -> " + (failure == null ? "answered" : failure));
      }
    }
    System.out.println("[fuzz] " + fuzzer.acknowledgedAddresses().size() + " addresses were registered by fuzz clients");

    List<String> findings = new ArrayList<>(fuzzer.findings());
    findings.addAll(watcherProblems);
    unhandled.stream().filter(FuzzTest::fromMainCode).distinct()
        .forEach(e -> findings.add("unhandled exception in the bridge: " + e.lines().limit(14).toList()));
    if (!findings.isEmpty()) {
      fail(findings.size() + " finding(s) with seed " + seed + ":\n- " + String.join("\n- ", findings));
    }
    assertEquals(Map.of("sse", 1, "websocket", 1), stats.connectionsByTransport(), stats::toString);
    assertEquals(2, stats.consumers(), stats::toString);
    assertEquals(4, stats.subscriptions(), stats::toString);
    assertEquals(2, open, "TCP connections still open besides the two subscribers'");
    assertTrue(leftHandlers.isEmpty(), () -> "addresses fuzz clients registered still have consumers: " + leftHandlers);
    assertTrue(fuzzer.total() >= Math.min(maxInputs, 1000), "too few inputs to mean anything: " + fuzzer.total());
    Http.await(http.close());
  }

  private static void checkWatcher(String name, String problem, boolean ended, Set<String> problems) {
    if (ended) {
      problems.add("the well-behaved " + name + " subscriber was disconnected");
    }
    if (problem != null) {
      problems.add("the well-behaved " + name + " subscriber: " + problem);
    }
  }

  /**
   * The first four are valid: a plain user, a publisher, another user), and every kind of bad one: expired,
   * signed with another secret, {@code alg: none}, without {@code sub}, with mistyped claims, junk.
   */
  private static List<String> tokens(Vertx vertx, JWTAuth signer) {
    JWTOptions hour = new JWTOptions().setExpiresInSeconds(3600);
    JWTAuth forger = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(OTHER_SECRET)));
    long now = System.currentTimeMillis() / 1000;
    String b64 = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
    return List.of(
        signer.generateToken(new JsonObject().put("sub", "fuzzer").put("groups", new JsonArray().add("g1")), hour),
        signer.generateToken(new JsonObject().put("sub", "fuzzer").put("roles", new JsonArray().add("publisher")), hour),
        signer.generateToken(new JsonObject().put("sub", "publisher").put("roles", new JsonArray().add("publisher")), hour),
        signer.generateToken(new JsonObject().put("sub", "other"), hour),
        signer.generateToken(new JsonObject().put("sub", "fuzzer").put("exp", now - 3600), new JWTOptions()),
        signer.generateToken(new JsonObject().put("sub", "fuzzer").put("nbf", now + 3600), new JWTOptions()),
        signer.generateToken(new JsonObject().put("groups", new JsonArray().add("g1")), hour),
        signer.generateToken(new JsonObject().put("sub", 42), hour),
        signer.generateToken(new JsonObject().put("sub", "fuzzer").put("groups", "g1").put("roles", new JsonArray().add(7)), hour),
        forger.generateToken(new JsonObject().put("sub", "fuzzer").put("roles", new JsonArray().add("publisher")), hour),
        b64 + ".eyJzdWIiOiJmdXp6ZXIiLCJyb2xlcyI6WyJwdWJsaXNoZXIiXX0.",
        "a.b.c", "..", "eyJ.eyJ.sig", "x".repeat(9000), "not-a-token", "%00.%01.%02");
  }

  private static long seed() {
    String value = System.getProperty("herald.fuzz.seed");
    if (value == null || value.isBlank()) {
      return DEFAULT_SEED;
    }
    return value.equals("random") ? new Random().nextLong() : Long.decode(value);
  }

  private static int openConnectionsUntil(BridgeServer server, int expected) {
    long deadline = System.currentTimeMillis() + Http.WAIT_SECONDS * 1000;
    int open = Http.await(server.openConnections());
    while (open != expected && System.currentTimeMillis() < deadline) {
      sleep(50);
      open = Http.await(server.openConnections());
    }
    return open;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String stackOf(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  /** An exception that went through Herald's main code (not only the test's own clients). */
  private static boolean fromMainCode(String stack) {
    return stack.lines().anyMatch(l -> l.contains("at io.herald.bridge.") && !l.contains("io.herald.bridge.support.")
        && !l.contains("FuzzTest"));
  }

}
