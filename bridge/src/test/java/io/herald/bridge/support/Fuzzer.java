package io.herald.bridge.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Sends one fuzz input (or one short fuzz session) at a time at a bridge, from the test thread, and
 * records what is wrong with the answers: a 5xx, a 4xx without a JSON error, no answer, an
 * {@code internal} error frame, a frame that is not JSON text, an unexpected close.
 */
public final class Fuzzer {

  /** Longer than anything the server should take on a loaded machine: a missing answer is a hang. */
  private static final long ANSWER_MS = 10_000;
  private static final int MAX_REQUEST_LINE = 4096;
  private static final int MAX_HEADERS = 8192;
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get");
  private static final List<String> PATHS = List.of("/sse", "/ws", "/api/publish", "/eventbus", "/eventbus/", "/eventbus/info",
      "/", "/api", "/api/publish/", "/api/publish/x", "/sse/", "/sse/x", "/ws/x", "/eventbus/websocket", "/eventbus/iframe.html",
      "/eventbus/iframe-abc.html", "/eventbus/../sse", "/%2e%2e/sse", "//sse", "/SSE", "/api/PUBLISH");
  private static final List<String> SOCKJS_TRANSPORTS = List.of("xhr", "xhr_send", "xhr_streaming", "jsonp", "jsonp_send",
      "eventsource", "htmlfile", "websocket");

  private final Vertx vertx;
  private final int port;
  private final int maxFrame;
  private final int maxBody;
  private final FuzzInputs in;
  private final RawHttp raw;
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  /** Findings by kind (what went wrong, without the input), each with its count and first input. */
  private final Map<String, String> findings = new LinkedHashMap<>();
  private final Map<String, Integer> findingCounts = new LinkedHashMap<>();
  private final Set<String> acknowledged = Collections.synchronizedSet(new TreeSet<>());
  /** SockJS sessions opened over raw xhr that xhr_send may still reach, with when they were opened. */
  private final Map<String, Long> liveSessions = new LinkedHashMap<>();
  private Set<String> only = Set.of();
  private int total;
  private int sessions;
  private int syncs;

  /** @param maxFrame and {@code maxBody}: the bridge's limits, to aim inputs just under and over them */
  public Fuzzer(Vertx vertx, int port, int maxFrame, int maxBody, FuzzInputs inputs, RawHttp raw) {
    this.vertx = vertx;
    this.port = port;
    this.maxFrame = maxFrame;
    this.maxBody = maxBody;
    this.in = inputs;
    this.raw = raw;
  }

  public int total() {
    return total;
  }

  public Map<String, Integer> counts() {
    return new TreeMap<>(counts);
  }

  /** One line per kind of finding: how often, and the first input that caused it. */
  public List<String> findings() {
    List<String> lines = new ArrayList<>();
    findings.forEach((kind, first) -> lines.add(kind + " (x" + findingCounts.get(kind) + "), first input: " + first));
    return lines;
  }

  private void finding(String kind, String input) {
    findings.putIfAbsent(kind, input);
    findingCounts.merge(kind, 1, Integer::sum);
  }

  /** Addresses whose {@code register} a fuzz client saw acknowledged. */
  public Set<String> acknowledgedAddresses() {
    return new TreeSet<>(acknowledged);
  }

  /** Sends one input, or a short session of them. */
  public void one() {
    long started = System.nanoTime();
    int roll;
    String kind;
    do {
      roll = in.random().nextInt(100);
      kind = roll < 16 ? "sse" : roll < 36 ? "publish" : roll < 44 ? "method" : roll < 58 ? "sockjs-http"
          : roll < 62 ? "upgrade" : roll < 78 ? "ws" : roll < 86 ? "sockjs-raw-ws" : roll < 96 ? "sockjs-ws" : "sockjs-xhr";
    } while (!only.isEmpty() && !only.contains(kind));
    oneOf(roll);
    millis.merge(kind, (System.nanoTime() - started) / 1_000_000, Long::sum);
  }

  /** Restricts the fuzzing to some kinds of input (as named in {@link #counts}), to chase one finding. */
  public Fuzzer only(Set<String> kinds) {
    only = Set.copyOf(kinds);
    return this;
  }

  /** Milliseconds spent per kind of input. */
  public Map<String, Long> millis() {
    return new TreeMap<>(millis);
  }

  private void oneOf(int roll) {
    if (roll < 16) {
      sse();
    } else if (roll < 36) {
      publish();
    } else if (roll < 44) {
      wrongMethod();
    } else if (roll < 58) {
      sockJsHttp();
    } else if (roll < 62) {
      upgradeThenGarbage();
    } else if (roll < 78) {
      frameSession("ws", "/ws");
    } else if (roll < 86) {
      frameSession("sockjs-raw-ws", "/eventbus/websocket");
    } else if (roll < 96) {
      frameSession("sockjs-ws", "/eventbus/" + in.between(0, 999) + "/fz" + (sessions++) + "/websocket");
    } else {
      xhrSession();
    }
  }

  public void finish() {
    raw.close();
  }

  // ---------------------------------------------------------------- HTTP

  private void sse() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (in.chance(0.3)) {
      headers.put("Authorization", in.authorization());
    }
    if (in.chance(0.5)) {
      headers.put("Accept", in.pick("text/event-stream", "*/*", "application/json", FuzzInputs.printable(in.junk(20))));
    }
    if (in.chance(0.1)) {
      headers.put("Last-Event-ID", FuzzInputs.printable(in.junk(40)));
    }
    String query = in.sseQuery();
    if (in.chance(0.05)) {
      // Raw control and high bytes in the request line, as a broken client might send them.
      query = query + "&address=public." + rawBytes();
      http("sse-raw", "GET", "/sse?" + query, headers, null, true);
    } else {
      http("sse", "GET", "/sse?" + FuzzInputs.safeUri(query), headers, null, false);
    }
  }

  private void publish() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (in.chance(0.85)) {
      headers.put("Content-Type", in.contentType());
    }
    if (in.chance(0.75)) {
      headers.put("Authorization", in.chance(0.6) ? "Bearer " + in.token() : in.authorization());
    }
    String uri = in.chance(0.15) ? "/api/publish?access_token=" + FuzzInputs.safeUri(in.queryValue(in.token())) : "/api/publish";
    http("publish", "POST", uri, headers, in.publishBody(maxBody), false);
  }

  private void wrongMethod() {
    String method = in.pick(METHODS);
    String path = in.chance(0.8) ? in.pick(PATHS) : "/" + FuzzInputs.safeUri(in.junk(30));
    Map<String, String> headers = new LinkedHashMap<>();
    if (in.chance(0.3)) {
      headers.put("Authorization", in.authorization());
    }
    Buffer body = in.chance(0.3) ? Buffer.buffer(in.junk(100)) : null;
    http("method", method, path, headers, body, false);
  }

  private void sockJsHttp() {
    long now = System.currentTimeMillis();
    liveSessions.values().removeIf(opened -> now - opened > 3000);
    String server = in.chance(0.8) ? String.format("%03d", in.between(0, 999))
        : in.pick("", "a.b", "x".repeat(300), FuzzInputs.safeUri(in.junk(6)));
    String session;
    if (!liveSessions.isEmpty() && in.chance(0.5)) {
      session = in.pick(new ArrayList<>(liveSessions.keySet()));
    } else {
      session = in.chance(0.8) ? "raw" + (sessions++) : in.pick("", "a.b", "x".repeat(300), FuzzInputs.safeUri(in.junk(8)));
    }
    String transport = in.chance(0.85) ? in.pick(SOCKJS_TRANSPORTS) : in.pick("info", "", "xhr_send/x", FuzzInputs.safeUri(in.junk(8)));
    if (liveSessions.containsKey(session) && in.chance(0.85)) {
      // A poll of an open session waits for a message or a heartbeat: send to it instead.
      transport = in.pick("xhr_send", "jsonp_send");
    }
    boolean post = transport.startsWith("xhr") || transport.equals("jsonp_send");
    String method = in.chance(0.85) ? (post ? "POST" : "GET") : in.pick(METHODS);
    StringBuilder query = new StringBuilder();
    if (transport.equals("jsonp") || transport.equals("htmlfile") || in.chance(0.05)) {
      if (in.chance(0.85)) {
        query.append("c=").append(in.queryValue(in.chance(0.3) ? "callback_" + in.between(0, 9) : in.junk(40)));
      }
    }
    if (in.chance(0.25)) {
      query.append(query.isEmpty() ? "" : "&").append("access_token=").append(in.queryValue(in.token()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (in.chance(0.2)) {
      headers.put("Authorization", in.authorization());
    }
    Buffer body = null;
    if (method.equals("POST") && (transport.endsWith("send") || in.chance(0.2))) {
      body = sockJsBody(transport.equals("jsonp_send"));
      headers.put("Content-Type", transport.equals("jsonp_send") && in.chance(0.7)
          ? "application/x-www-form-urlencoded" : in.contentType());
    }
    String uri = "/eventbus/" + server + "/" + session + "/" + transport + (query.isEmpty() ? "" : "?" + FuzzInputs.safeUri(query.toString()));
    RawHttp.Answer answer = http("sockjs-http", method, uri, headers, body, false);
    if (answer != null && transport.equals("xhr") && answer.status() == 200 && session.startsWith("raw")) {
      liveSessions.put(session, System.currentTimeMillis());
    }
  }

  private Buffer sockJsBody(boolean form) {
    String messages = switch (in.random().nextInt(9)) {
      case 0 -> "";
      case 1 -> "[]";
      case 2 -> in.junk(100);
      case 3 -> in.damaged("[\"" + in.frame(maxFrame) + "\"]");
      case 4 -> "[" + in.jsonValue(2) + "]";
      case 5 -> "[" + FuzzInputs.quoted("x".repeat(in.between(maxBody - 50, maxBody + 2000))) + "]";
      case 6 -> in.jsonValue(2);
      default -> "[" + FuzzInputs.quoted(in.frame(maxFrame)) + "," + FuzzInputs.quoted(in.frame(maxFrame)) + "]";
    };
    if (form) {
      return Buffer.buffer(in.chance(0.8) ? "d=" + in.queryValue(messages) : in.pick("d=", "x=1", "", "d", messages));
    }
    return Buffer.buffer(messages);
  }

  /** A WebSocket handshake (valid or not), then, if it is accepted, raw bytes and an abrupt close. */
  private void upgradeThenGarbage() {
    String path = in.pick("/ws", "/eventbus/websocket", "/eventbus/000/up" + (sessions++) + "/websocket");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Connection", in.chance(0.9) ? "Upgrade" : in.pick("close", "keep-alive", "upgrade, keep-alive"));
    headers.put("Upgrade", in.chance(0.9) ? "websocket" : in.pick("WebSocket", "h2c", "", "websocket2"));
    if (in.chance(0.9)) {
      headers.put("Sec-WebSocket-Key", in.chance(0.85) ? "dGhlIHNhbXBsZSBub25jZQ==" : FuzzInputs.printable(in.junk(30)));
    }
    if (in.chance(0.9)) {
      headers.put("Sec-WebSocket-Version", in.chance(0.85) ? "13" : in.pick("8", "0", "99", "x"));
    }
    String uri = path;
    if (in.chance(0.5)) {
      uri += "?access_token=" + FuzzInputs.safeUri(in.queryValue(in.token()));
    } else if (in.chance(0.4)) {
      headers.put("Authorization", in.authorization());
    }
    Buffer garbage = wsGarbage();
    http("upgrade", "GET", uri, headers, null, false, socket -> {
      socket.write(garbage);
      if (in.random().nextBoolean()) {
        vertx.setTimer(20, t -> socket.close());
      } else {
        socket.close();
      }
    });
  }

  /** After a handshake: a valid masked text frame, random bytes, a frame cut short, or an oversized header. */
  private Buffer wsGarbage() {
    Buffer out = Buffer.buffer();
    if (in.chance(0.5)) {
      out.appendBuffer(MaskedFrames.text(in.frame(maxFrame), in.random()));
    }
    switch (in.random().nextInt(4)) {
      case 0 -> out.appendBuffer(in.bytes(200));
      case 1 -> out.appendBuffer(MaskedFrames.text("{\"type\":\"register\",\"address\":\"public.fuzz.cut\",\"id\":1}", in.random()).getBuffer(0, in.between(1, 20)));
      case 2 -> out.appendBytes(new byte[] {(byte) 0x81, (byte) 0xFF, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
      default -> out.appendBytes(new byte[] {(byte) in.random().nextInt(256), 0x00});
    }
    return out;
  }

  private String rawBytes() {
    StringBuilder out = new StringBuilder();
    int n = in.between(1, 8);
    for (int i = 0; i < n; i++) {
      char c = (char) in.random().nextInt(256);
      // CR, LF and spaces would end the request line: that is a different request, not a broken one.
      if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Sends one fixed request (a regression case) through the same checks as the random ones. */
  public RawHttp.Answer replay(String method, String uri, Map<String, String> headers, Buffer body) {
    return http("regression", method, uri, headers, body, false);
  }

  private RawHttp.Answer http(String endpoint, String method, String uri, Map<String, String> headers, Buffer body, boolean rawBytes) {
    return http(endpoint, method, uri, headers, body, rawBytes, null);
  }

  /**
   * One request on its own connection; checks its answer.
   *
   * @param rawBytes the request line holds bytes an HTTP parser may refuse before the application
   *     sees the request: then (and when the request line or headers are over the server's limits,
   *     or for an {@code Upgrade: h2c}, which Vert.x core handles itself) a bare 400, 414 or 431
   *     from below the router is accepted
   */
  private RawHttp.Answer http(String endpoint, String method, String uri, Map<String, String> headers, Buffer body, boolean rawBytes,
      java.util.function.Consumer<NetSocket> afterUpgrade) {
    count(endpoint);
    Buffer request = RawHttp.request(method, uri, headers, body);
    String input = method + " " + describe(uri) + " " + describe(headers.toString()) + " body=" + describe(body);
    RawHttp.Answer answer;
    try {
      answer = raw.exchange(port, request, ANSWER_MS, afterUpgrade).await(ANSWER_MS + 5000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      finding(endpoint + ": no answer", input + " (" + e.getMessage() + ")");
      return null;
    }
    boolean overLimits = method.length() + uri.length() + 10 > MAX_REQUEST_LINE
        || headers.toString().length() > MAX_HEADERS;
    // Vert.x core's HTTP/2 cleartext upgrade takes any 'Upgrade: h2c' request before the router does.
    boolean h2cUpgrade = headers.entrySet().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("upgrade") && h.getValue().equalsIgnoreCase("h2c"));
    boolean decoderRefusal = (rawBytes || overLimits || h2cUpgrade) && List.of(400, 414, 431).contains(answer.status())
        && answer.body().length() == 0;
    if (answer.status() >= 500 || answer.status() < 100) {
      finding(endpoint + ": " + answer.status() + " " + describe(cut(answer.body())), input);
    } else if (answer.status() >= 400 && !decoderRefusal && !jsonError(method, answer)) {
      finding(endpoint + ": " + answer.status() + " without a JSON error (" + answer.header("content-type") + ": "
          + describe(cut(answer.body())) + ")", input);
    }
    return answer;
  }

  private static boolean jsonError(String method, RawHttp.Answer answer) {
    String type = answer.header("content-type");
    if (method.equals("HEAD")) {
      return type != null && type.startsWith("application/json");
    }
    try {
      return new JsonObject(answer.body()).getJsonObject("error").getValue("code") instanceof String;
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- frame sessions

  /** A socket that speaks the frame protocol; a short session of random frames in small batches. */
  private void frameSession(String door, String path) {
    // Mostly a valid token, so that subscriptions and publishes really happen; bad tokens in the
    // handshake are the handshake fuzz's business.
    String token = in.chance(0.2) ? "" : in.chance(0.75) ? in.validToken() : in.token();
    // Well-formed escapes only: given a broken one, the Vert.x client never completes its connect
    // (the server answers it with a 400, which the handshake fuzz checks over raw TCP).
    String uri = path + (token.isEmpty() ? "" : "?access_token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
    boolean sockJsFraming = door.equals("sockjs-ws");
    WebSocketFrameClient client;
    try {
      Future<WebSocketFrameClient> connecting = sockJsFraming
          ? WebSocketFrameClient.sockJs(vertx, port, uri)
          : WebSocketFrameClient.raw(vertx, port, uri);
      long t0 = System.nanoTime();
      try {
        client = connecting.await(ANSWER_MS, TimeUnit.MILLISECONDS);
      } finally {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > 500) {
          System.out.println("[fuzz] slow connect " + ms + " ms: " + describe(uri));
        }
      }
    } catch (Exception e) {
      if (e instanceof io.vertx.core.http.UpgradeRejectedException refused && refused.getStatus() < 500) {
        // A bad token is refused with 401 at the handshake; the handshake fuzz checks those answers.
        count(door + "-refused");
      } else {
        finding(door + ": the handshake failed with " + e.getClass().getSimpleName(), describe(uri) + " (" + e.getMessage() + ")");
      }
      return;
    }
    int batches = in.between(1, 8);
    List<String> sent = new ArrayList<>();
    boolean sentTooLarge = false;
    boolean brokeSockJsFraming = false;
    int scanned = 0;
    for (int b = 0; b < batches && !client.closed().isComplete(); b++) {
      List<String> batch = new ArrayList<>();
      int size = in.between(1, 5);
      for (int i = 0; i < size; i++) {
        count(door);
        if (in.chance(0.08)) {
          Buffer binary = in.bytes(300);
          batch.add("(binary " + binary.length() + " bytes)");
          client.sendBinary(binary);
          // SockJS reads a binary message as its text: random bytes are not a SockJS message array.
          brokeSockJsFraming |= sockJsFraming;
          sentTooLarge |= binary.length() > maxFrame;
        } else if (in.chance(0.03)) {
          String big = "{\"type\":\"publish\",\"address\":\"public.fuzz.big\",\"body\":" + FuzzInputs.quoted("q".repeat(in.between(maxFrame, 3 * maxFrame))) + "}";
          batch.add(describe(big));
          sentTooLarge |= wireBytes(big, sockJsFraming) > maxFrame;
          client.sendText(big);
        } else if (sockJsFraming && in.chance(0.08)) {
          // Not a SockJS message array at all.
          String junk = in.pick("", "[", "x", "[1,2]", "{}", "[\"a\"", "\"a\"", in.junk(40));
          batch.add("(raw SockJS message) " + describe(junk));
          brokeSockJsFraming = true;
          client.webSocket().writeTextMessage(junk);
        } else {
          String frame = in.frame(maxFrame);
          batch.add(describe(frame));
          sentTooLarge |= wireBytes(frame, sockJsFraming) > maxFrame;
          client.sendText(frame);
        }
      }
      sent.addAll(batch);
      if (in.chance(0.08)) {
        break; // hang up without waiting for the answers
      }
      String sync = "sync-" + (syncs++);
      client.sendText(new JsonObject().put("type", "unregister").put("address", "public.sync").put("id", sync).encode());
      Promise<Void> synced = Promise.promise();
      client.next(f -> "ack".equals(f.getValue("type")) && sync.equals(f.getValue("ref"))).onComplete(a -> synced.tryComplete());
      client.closed().onComplete(c -> synced.tryComplete());
      try {
        synced.future().await(ANSWER_MS + 2000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        finding(door + ": no answer to a sync frame", batch.toString());
      }
      scanned = scan(door, client, scanned, batch);
    }
    if (client.closed().isComplete()) {
      FrameClient.Closed closed = client.closed().result();
      // Over the size limit: 1009, or SockJS's own close on its session transport (PROTOCOL.md); never
      // a broken connection, which a client would take for a reason to send the frame again. Broken
      // SockJS framing: SockJS closes.
      boolean expected = sentTooLarge && (closed.code() == 1009 || sockJsFraming && closed.code() == 3000)
          || brokeSockJsFraming && closed.code() == 1000;
      if (!expected) {
        finding(door + ": the server closed the socket with " + closed, sent.toString());
      }
    } else {
      client.close();
    }
    scan(door, client, scanned, sent);
  }

  /** The size of a text message on the wire: UTF-8, inside SockJS's message array when framed. */
  private static int wireBytes(String text, boolean sockJsFraming) {
    String message = sockJsFraming ? new io.vertx.core.json.JsonArray().add(text).encode() : text;
    return message.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Checks the frames received since {@code from}; returns how many have been checked. */
  private int scan(String door, FrameClient client, int from, List<String> inputs) {
    List<JsonObject> history = client.history();
    for (int i = from; i < history.size(); i++) {
      JsonObject frame = history.get(i);
      Object type = frame.getValue("type");
      if ("err".equals(type) && "internal".equals(frame.getValue("code"))) {
        finding(door + ": internal error " + frame.getValue("message"), frame.encode() + " after " + inputs);
      } else if ("client-saw-invalid-json".equals(type) || "client-saw-binary".equals(type)) {
        finding(door + ": a server frame that is not JSON text", describe(frame.encode()) + " after " + inputs);
      } else if ("ack".equals(type) && "register".equals(frame.getValue("op")) && frame.getValue("address") instanceof String a) {
        acknowledged.add(a);
      }
    }
    return history.size();
  }

  /** SockJS xhr-polling: random frames and raw xhr_send bodies to a live, polled session. */
  private void xhrSession() {
    XhrPollingFrameClient client;
    try {
      client = XhrPollingFrameClient.open(vertx, port).await(ANSWER_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      finding("sockjs-xhr: session did not open", e.toString());
      return;
    }
    List<String> sent = new ArrayList<>();
    int n = in.between(2, 10);
    for (int i = 0; i < n; i++) {
      Buffer body = in.chance(0.5) ? sockJsBody(false) : Buffer.buffer(new io.vertx.core.json.JsonArray().add(in.frame(maxFrame)).encode());
      sent.add(describe(body));
      // Over raw TCP, which reads an early answer (a 413 before the body is all sent) as it comes.
      http("sockjs-xhr", "POST", client.path() + "/xhr_send", Map.of("Content-Type", "text/plain"), body, false);
    }
    String sync = "sync-" + (syncs++);
    client.sendText(new JsonObject().put("type", "unregister").put("address", "public.sync").put("id", sync).encode());
    try {
      client.next(f -> "ack".equals(f.getValue("type")) && sync.equals(f.getValue("ref"))).await(ANSWER_MS + 2000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (!client.closed().isComplete()) {
        finding("sockjs-xhr: no answer to a sync frame", sent.toString());
      }
    }
    scan("sockjs-xhr", client, 0, sent);
    client.close();
  }

  private void count(String endpoint) {
    counts.merge(endpoint, 1, Integer::sum);
    total++;
  }

  /** Describes an input for a finding: printable, and cut short when long. */
  static String describe(String text) {
    String cut = text.length() > 240 ? text.substring(0, 240) + "...(" + text.length() + " chars)" : text;
    StringBuilder out = new StringBuilder();
    for (char c : cut.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  /** The start of an answer's body: enough to tell kinds of answers apart. */
  private static Buffer cut(Buffer body) {
    return body.length() > 60 ? body.getBuffer(0, 60) : body;
  }

  static String describe(Buffer body) {
    return body == null ? "(none)" : describe(body.toString(StandardCharsets.ISO_8859_1));
  }
}
