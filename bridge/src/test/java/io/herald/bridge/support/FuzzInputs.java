package io.herald.bridge.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Random and malformed inputs for Herald's endpoints, all drawn from one seeded {@link Random} so a
 * run is replayed by its seed. Everything here builds text; nothing talks to the server.
 */
public final class FuzzInputs {

  /** Characters that tend to break things: quotes, escapes, separators, controls, non-ASCII. */
  private static final String NASTY = "\"\\/.{}[]:,;&=?#%+ \t\r\n\u0000\u0001\u001f\u007f\u0085\u00a0\u2028\u2029\ufeff\uffff\ud83d\ude00é中<>'`$*@_-";

  private final Random random;
  private final List<String> tokens;
  private final int validTokens;
  private final List<String> addresses;

  /**
   * @param tokens the token strings to draw from (valid, expired, forged, junk), which a test signs
   * @param validTokens how many of the first tokens are valid ones
   * @param addresses addresses worth hitting besides random ones (the canary, permitted ones)
   */
  public FuzzInputs(Random random, List<String> tokens, int validTokens, List<String> addresses) {
    this.random = random;
    this.tokens = tokens;
    this.validTokens = validTokens;
    this.addresses = addresses;
  }

  public Random random() {
    return random;
  }

  public int between(int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  public boolean chance(double p) {
    return random.nextDouble() < p;
  }

  @SafeVarargs
  public final <T> T pick(T... values) {
    return values[random.nextInt(values.length)];
  }

  public <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  // ---------------------------------------------------------------- strings

  /** A string of up to {@code max} characters, from plain letters to controls and lone surrogates. */
  public String junk(int max) {
    int length = random.nextInt(max + 1);
    StringBuilder out = new StringBuilder(length);
    int style = random.nextInt(4);
    for (int i = 0; i < length; i++) {
      switch (style) {
        case 0 -> out.append((char) ('a' + random.nextInt(26)));
        case 1 -> out.append(NASTY.charAt(random.nextInt(NASTY.length())));
        case 2 -> out.append((char) random.nextInt(0x80));
        default -> out.append((char) random.nextInt(0x10000));
      }
    }
    return out.toString();
  }

  /** Short strings most of the time, sometimes long ones, rarely huge ones. */
  public String anyString() {
    int roll = random.nextInt(20);
    if (roll == 0) {
      return "x".repeat(between(4000, 20_000));
    }
    if (roll < 3) {
      return junk(600);
    }
    return junk(24);
  }

  /** An address: a likely one, a near miss, or junk. */
  public String address() {
    return switch (random.nextInt(12)) {
      case 0, 1, 2, 3 -> pick(addresses);
      case 4 -> "public.fuzz." + random.nextInt(40);
      case 5 -> pick("", ".", "public.", ".public", "public..x", "public.*", "public.**", "herald.control", "herald.x",
          "private.x", "user.fuzzer", "user.other", "group.g1", "group.other", "public", "public.a b", "public.ä");
      case 6 -> "public." + "a".repeat(between(180, 260));
      case 7 -> "public." + junk(12);
      case 8 -> "user." + junk(6);
      default -> junk(30);
    };
  }

  public String token() {
    return pick(tokens);
  }

  /** One of the tokens that verify (the first {@code validTokens} of the list). */
  public String validToken() {
    return tokens.get(random.nextInt(validTokens));
  }

  /** The value of an Authorization header: a bearer token, a near miss, or junk. */
  public String authorization() {
    return switch (random.nextInt(8)) {
      case 0, 1, 2 -> "Bearer " + token();
      case 3 -> pick("bearer ", "BEARER ", "Bearer  ", "Bearer\t") + token();
      case 4 -> pick("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "", "Bearer a.b", "Bearer ...", "Bearer a.b.c.d");
      case 5 -> "Bearer " + printable(junk(60));
      default -> printable(junk(40));
    };
  }

  /** What can legally go into a header value: visible ASCII and spaces. */
  public static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- URIs

  /** Percent-encodes as a form would; sometimes leaves the value raw, sometimes breaks the encoding. */
  public String queryValue(String value) {
    return switch (random.nextInt(10)) {
      case 0 -> value.replace(" ", "%20").replace("&", "%26").replace("#", "%23");
      case 1 -> URLEncoder.encode(value, StandardCharsets.UTF_8) + pick("%", "%z", "%zz", "%0", "%G1", "%%", "%u0041", "%C3", "%ED%A0%80");
      default -> URLEncoder.encode(value, StandardCharsets.UTF_8);
    };
  }

  /** Keeps a URI a well-formed request target: anything outside visible ASCII is percent-encoded. */
  public static String safeUri(String uri) {
    StringBuilder out = new StringBuilder();
    for (byte b : uri.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** A query string for {@code GET /sse}. */
  public String sseQuery() {
    StringBuilder q = new StringBuilder();
    int addressCount = switch (random.nextInt(8)) {
      case 0 -> 0;
      case 1 -> between(60, 80);
      default -> between(1, 3);
    };
    for (int i = 0; i < addressCount; i++) {
      q.append(q.isEmpty() ? "" : "&").append(pick("address", "address", "address", "Address", "address[]", "addr"))
          .append(chance(0.05) ? "" : "=" + queryValue(address()));
    }
    if (chance(0.6)) {
      q.append(q.isEmpty() ? "" : "&").append("access_token=").append(queryValue(chance(0.8) ? token() : junk(40)));
    }
    if (chance(0.2)) {
      q.append("&").append(queryValue(junk(10))).append("=").append(queryValue(anyString()));
    }
    if (chance(0.1)) {
      q.append(pick("&", "&&", "=", "&=", "#frag", ";", "&address", "&access_token", "&access_token="));
    }
    return q.toString();
  }

  // ---------------------------------------------------------------- JSON

  /** A JSON value as text: any type, numbers beyond 64 bits included. */
  public String jsonValue(int depth) {
    int roll = random.nextInt(depth <= 0 ? 9 : 12);
    return switch (roll) {
      case 0 -> "null";
      case 1 -> pick("true", "false");
      case 2 -> Integer.toString(random.nextInt());
      case 3 -> Long.toString(random.nextLong());
      case 4 -> pick("1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-9223372036854775809",
          "9223372036854775808", "18446744073709551616", "0.1", "-0", "1E2", "3.141592653589793238462643383279",
          "1" + "0".repeat(between(20, 400)), "0." + "1".repeat(between(20, 400)), "1e" + random.nextInt(100_000));
      case 5 -> Double.toString(random.nextGaussian() * 1e6);
      case 6, 7, 8 -> new JsonArray().add(anyString()).encode().replaceAll("^\\[|]$", "");
      case 9 -> {
        StringBuilder a = new StringBuilder("[");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.append(i == 0 ? "" : ",").append(jsonValue(depth - 1));
        }
        yield a.append("]").toString();
      }
      default -> {
        StringBuilder o = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.append(i == 0 ? "" : ",").append(quoted(pick("address", "type", "data", "body", "id", junk(8))))
              .append(':').append(jsonValue(depth - 1));
        }
        yield o.append("}").toString();
      }
    };
  }

  public static String quoted(String text) {
    return new JsonArray().add(text).encode().replaceAll("^\\[|]$", "");
  }

  /** Nested arrays or objects, deeper than any parser's default limit when {@code depth} is large. */
  public String nested(int depth) {
    boolean arrays = random.nextBoolean();
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    return open.repeat(depth) + "1" + close.repeat(depth);
  }

  /** Cuts valid text short, or flips a byte in it. */
  public String damaged(String text) {
    if (text.isEmpty()) {
      return text;
    }
    int at = random.nextInt(text.length());
    return random.nextBoolean()
        ? text.substring(0, at)
        : text.substring(0, at) + NASTY.charAt(random.nextInt(NASTY.length())) + text.substring(Math.min(text.length(), at + 1));
  }

  /** One event object for the publish API, each field sometimes of the wrong type. */
  public String publishEvent() {
    StringBuilder o = new StringBuilder("{");
    boolean first = true;
    if (!chance(0.1)) {
      o.append("\"address\":").append(chance(0.75) ? quoted(address()) : jsonValue(1));
      first = false;
    }
    if (chance(0.5)) {
      o.append(first ? "" : ",").append("\"type\":").append(chance(0.6)
          ? quoted(pick("message", "headline", "a.b_c:d@e-f", "", "with space", "new\nline", "x".repeat(65), junk(10)))
          : jsonValue(1));
      first = false;
    }
    if (chance(0.8)) {
      o.append(first ? "" : ",").append("\"data\":").append(chance(0.1) ? nested(between(10, 2000)) : jsonValue(2));
      first = false;
    }
    if (chance(0.1)) {
      o.append(first ? "" : ",").append(quoted(junk(6))).append(':').append(jsonValue(1));
    }
    return o.append('}').toString();
  }

  /** A body for {@code POST /api/publish}. */
  public Buffer publishBody(int maxBodySize) {
    String text = switch (random.nextInt(14)) {
      case 0 -> "";
      case 1 -> junk(200);
      case 2 -> nested(between(500, 3000));
      case 3 -> damaged(publishEvent());
      case 4 -> jsonValue(2);
      case 5 -> "[]";
      case 6 -> {
        StringBuilder a = new StringBuilder("[");
        int n = chance(0.2) ? between(1001, 1100) : between(1, 6);
        for (int i = 0; i < n; i++) {
          a.append(i == 0 ? "" : ",").append(n > 100 ? "{\"address\":\"public.fuzz.many\"}" : chance(0.8) ? publishEvent() : jsonValue(1));
        }
        yield a.append(']').toString();
      }
      case 7 -> "{\"address\":\"public.fuzz.big\",\"data\":" + quoted("y".repeat(between(maxBodySize - 40, maxBodySize + 4000))) + "}";
      case 8 -> {
        byte[] bytes = new byte[between(1, 300)];
        random.nextBytes(bytes);
        yield new String(bytes, StandardCharsets.ISO_8859_1);
      }
      default -> publishEvent();
    };
    if (random.nextInt(14) == 8) {
      byte[] bytes = new byte[between(1, 300)];
      random.nextBytes(bytes);
      return Buffer.buffer(bytes);
    }
    return Buffer.buffer(text);
  }

  public String contentType() {
    return pick("application/json", "application/json", "application/json; charset=utf-8", "text/plain",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "application/octet-stream",
        "", "application/json; charset=latin1", "*/*", printable(junk(30)));
  }

  // ---------------------------------------------------------------- frames

  /** A client frame for the frame protocol: valid, almost valid, or garbage. */
  public String frame(int maxFrameSize) {
    return switch (random.nextInt(20)) {
      case 0 -> junk(100);
      case 1 -> damaged(structuredFrame());
      case 2 -> nested(between(100, 1500));
      case 3 -> jsonValue(2);
      case 4 -> "{\"type\":\"publish\",\"address\":\"public.fuzz.big\",\"body\":"
          + quoted("z".repeat(Math.max(0, between(maxFrameSize - 300, maxFrameSize - 60)))) + "}";
      case 5 -> new JsonObject().put("type", "auth").put("token", chance(0.7) ? token() : junk(30)).put("id", random.nextInt(100)).encode();
      case 6 -> new JsonObject().put("type", pick("register", "publish", "send", "ping"))
          .put("address", address()).put("headers", new JsonObject().put(pick("Authorization", "authorization", "AUTHORIZATION"),
              chance(0.8) ? authorization() : jsonValue(0))).put("id", "h" + random.nextInt(100)).encode();
      default -> structuredFrame();
    };
  }

  private String structuredFrame() {
    StringBuilder o = new StringBuilder("{");
    o.append("\"type\":").append(chance(0.85)
        ? quoted(pick("register", "register", "unregister", "publish", "publish", "send", "send", "ping", "auth", "pong", "rec",
            "err", "Register", "", junk(8)))
        : jsonValue(1));
    if (chance(0.9)) {
      o.append(",\"address\":").append(chance(0.85) ? quoted(address()) : jsonValue(1));
    }
    if (chance(0.5)) {
      o.append(",\"body\":").append(jsonValue(2));
    }
    if (chance(0.6)) {
      o.append(",\"id\":").append(switch (random.nextInt(6)) {
        case 0 -> quoted(junk(80));
        case 1 -> jsonValue(1);
        default -> Integer.toString(random.nextInt(1000));
      });
    }
    if (chance(0.2)) {
      o.append(",\"replyAddress\":").append(chance(0.6) ? quoted(pick("reply-" + random.nextInt(50), "", junk(20), "x".repeat(201))) : jsonValue(1));
    }
    if (chance(0.15)) {
      o.append(",\"timeout\":").append(pick("1", "0", "-5", "100", "1.5", "1e20", "99999999999999999999999", "\"100\"", "null", "[]",
          Long.toString(random.nextLong())));
    }
    if (chance(0.15)) {
      o.append(",\"event\":").append(chance(0.5) ? quoted(pick("message", "x y", "", junk(10))) : jsonValue(1));
    }
    if (chance(0.1)) {
      o.append(",\"headers\":").append(chance(0.5) ? "{\"Authorization\":" + quoted(authorization()) + "}" : jsonValue(1));
    }
    if (chance(0.05)) {
      o.append(",\"token\":").append(jsonValue(1));
    }
    return o.append('}').toString();
  }

  /** Random bytes, for binary frames and for what follows a WebSocket handshake. */
  public Buffer bytes(int max) {
    byte[] bytes = new byte[between(1, max)];
    random.nextBytes(bytes);
    return Buffer.buffer(bytes);
  }
}
