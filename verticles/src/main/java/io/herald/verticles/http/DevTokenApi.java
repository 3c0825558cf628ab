package io.herald.verticles.http;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HttpErrors;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * {@code GET /dev/token?sub=alice&groups=a,b&roles=publisher&ttl=3600}: a token signed with the
 * development-mode secret, as plain text so a shell can take it with {@code $(curl ...)}. Mounted
 * only in development mode.
 */
public final class DevTokenApi implements Handler<RoutingContext> {

  public static final String PATH = "/dev/token";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}");
  private static final int DEFAULT_TTL = 3600;
  private static final int MAX_TTL = 24 * 3600;

  private final JWTAuth signer;

  public DevTokenApi(JWTAuth signer) {
    this.signer = signer;
  }

  @Override
  public void handle(RoutingContext rc) {
    String sub = rc.request().getParam("sub");
    if (sub == null || !NAME.matcher(sub).matches()) {
      HttpErrors.send(rc, ErrorCode.BAD_REQUEST, "sub must be a name of letters, digits and . _ @ : - (at most 64)");
      return;
    }
    JsonArray groups;
    JsonArray roles;
    int ttl;
    try {
      groups = names(rc.request().getParam("groups"));
      roles = names(rc.request().getParam("roles"));
      ttl = ttl(rc.request().getParam("ttl"));
    } catch (IllegalArgumentException e) {
      HttpErrors.send(rc, ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    JsonObject claims = new JsonObject().put("sub", sub).put("groups", groups).put("roles", roles);
    String token = signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttl));
    rc.response().putHeader("content-type", "text/plain; charset=utf-8").putHeader("cache-control", "no-store").end(token);
  }

  private static JsonArray names(String csv) {
    JsonArray names = new JsonArray();
    if (csv == null || csv.isBlank()) {
      return names;
    }
    Arrays.stream(csv.split(",")).map(String::trim).filter(n -> !n.isEmpty()).forEach(name -> {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("groups and roles are comma-separated names of letters, digits and . _ @ : -");
      }
      names.add(name);
    });
    return names;
  }

  private static int ttl(String value) {
    if (value == null) {
      return DEFAULT_TTL;
    }
    try {
      int seconds = Integer.parseInt(value);
      if (seconds >= 1 && seconds <= MAX_TTL) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("ttl must be a whole number of seconds from 1 to " + MAX_TTL);
  }
}
