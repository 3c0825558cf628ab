package io.herald.bridge.auth;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies JWTs with vertx-auth-jwt. The algorithm of every key is fixed by configuration (HS256 for
 * the secret, RS256 or ES256 by the type of each public key, the JWK's own {@code alg}), so a token
 * cannot choose how it is checked: {@code alg: none} and an HS256 token signed with a public key
 * find no key and fail.
 */
public final class JwtAuthenticator implements Authenticator {

  private static final Logger LOG = System.getLogger("herald.auth");

  private static final int MAX_TOKEN_LENGTH = 8 * 1024;

  private final JWTAuth jwt;
  private final long leewayMillis;

  private JwtAuthenticator(JWTAuth jwt, long leewayMillis) {
    this.jwt = jwt;
    this.leewayMillis = leewayMillis;
  }

  /**
   * Reads the key files; call it before the event loops serve (startup may block on the files).
   *
   * @throws IllegalArgumentException if no key is configured or a key file cannot be used
   */
  public static JwtAuthenticator create(Vertx vertx, JwtSettings settings) {
    if (!settings.hasKeys()) {
      throw new IllegalArgumentException("no JWT key configured");
    }
    JWTOptions checks = new JWTOptions().setLeeway((int) settings.leeway().toSeconds());
    if (settings.issuer() != null) {
      checks.setIssuer(settings.issuer());
    }
    if (!settings.audience().isEmpty()) {
      checks.setAudience(settings.audience());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    if (settings.hmacSecret() != null) {
      if (settings.hmacSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes");
      }
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(settings.hmacSecret()));
    }
    for (Path pem : settings.publicKeys()) {
      String text = read(pem);
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(pem, text)).setBuffer(text));
    }
    if (settings.jwksFile() != null) {
      String text = read(settings.jwksFile());
      JsonObject jwks;
      try {
        jwks = new JsonObject(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(settings.jwksFile() + ": not a JSON Web Key Set");
      }
      JsonArray keys = jwks.getJsonArray("keys");
      if (keys == null || keys.isEmpty()) {
        throw new IllegalArgumentException(settings.jwksFile() + ": has no 'keys'");
      }
      for (int i = 0; i < keys.size(); i++) {
        JsonObject key = keys.getJsonObject(i);
        if (key.getString("alg") == null) {
          throw new IllegalArgumentException(settings.jwksFile() + ": key " + i + " has no 'alg' (Herald does not guess an algorithm)");
        }
        options.addJwk(key);
      }
    }
    return new JwtAuthenticator(JWTAuth.create(vertx, options), settings.leeway().toMillis());
  }

  /** Builds an authenticator around an existing provider (development mode signs with the same one). */
  public static JwtAuthenticator of(JWTAuth jwt) {
    return new JwtAuthenticator(jwt, 0);
  }

  @Override
  public Future<Identity> authenticate(String token) {
    // One line per refusal, with the reason and never the token: what an operator greps for.
    return verify(token).onFailure(e -> LOG.log(Level.INFO, "token refused: {0}", e.getMessage()));
  }

  private Future<Identity> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "token is missing or too long"));
    }
    if (token.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "token is malformed"));
    }
    Future<User> verified;
    try {
      verified = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    return verified.transform(done -> done.succeeded()
        ? identityOf(claimsOf(done.result()))
        : Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, refusal(token, done.cause()))));
  }

  /**
   * vertx-auth-jwt says "token expired" for an {@code exp} in the past and for an {@code nbf} or
   * {@code iat} in the future alike: the token's own {@code exp} tells them apart (the token is
   * refused either way; only the reason given depends on it).
   */
  private String refusal(String token, Throwable cause) {
    String reason = reason(cause);
    if (reason.equals("token has expired") && !expiredClaim(token)) {
      return "token is not valid yet";
    }
    return reason;
  }

  private boolean expiredClaim(String token) {
    try {
      String payload = token.substring(token.indexOf('.') + 1, token.lastIndexOf('.'));
      Object exp = new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getValue("exp");
      // No exp: what the library called expired was an nbf or iat still to come.
      return exp instanceof Number seconds && System.currentTimeMillis() / 1000 - leewayMillis / 1000 >= seconds.longValue();
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * The verified payload. Not {@code User.principal()}: vertx-auth-jwt moves {@code exp}, {@code iat}
   * and {@code nbf} out of the principal (into the attributes) and adds the raw token to it as
   * {@code access_token}, so an identity built from it would never expire and would carry the token.
   */
  private static JsonObject claimsOf(User user) {
    return user.attributes().getJsonObject("accessToken");
  }

  private Future<Identity> identityOf(JsonObject claims) {
    if (claims == null) {
      return Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "token is invalid"));
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isEmpty()) {
      return Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "token has no 'sub' claim"));
    }
    Set<String> groups;
    Set<String> roles;
    try {
      groups = strings(claims, "groups");
      roles = strings(claims, "roles");
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, e.getMessage()));
    }
    Object exp = claims.getValue("exp");
    // The same leeway as at the door, so a live connection ends when its token would be refused.
    // An exp beyond what milliseconds hold is as good as none (it would wrap to the past).
    long expiresAt = exp instanceof Number seconds && seconds.longValue() < (Long.MAX_VALUE - leewayMillis) / 1000
        ? seconds.longValue() * 1000 + leewayMillis : Long.MAX_VALUE;
    return Future.succeededFuture(new Identity(subject, groups, roles, expiresAt, claims));
  }

  private static Set<String> strings(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      return Set.of();
    }
    if (value instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
      return new LinkedHashSet<>(array.stream().map(String.class::cast).toList());
    }
    throw new IllegalArgumentException("token claim '" + name + "' must be an array of strings");
  }

  /** A fixed reason per kind of failure: the library's own message is not passed on. */
  private static String reason(Throwable cause) {
    String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
    if (message.contains("expired")) {
      return "token has expired";
    }
    if (message.contains("not yet valid") || message.contains("nbf") || message.contains("iat")) {
      return "token is not valid yet";
    }
    if (message.contains("issuer") || message.contains("iss")) {
      return "token issuer is not accepted";
    }
    if (message.contains("audience") || message.contains("aud")) {
      return "token audience is not accepted";
    }
    if (message.contains("signature")) {
      return "token signature is invalid";
    }
    if (message.contains("algorithm") || message.contains("key")) {
      return "token is not signed with an accepted key and algorithm";
    }
    return "token is invalid";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** RS256 for an RSA key, ES256 for an EC key, read from the key itself. */
  private static String algorithmOf(Path file, String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": not a PEM public key (-----BEGIN PUBLIC KEY-----)");
    }
    for (String[] candidate : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      PublicKey key;
      try {
        key = KeyFactory.getInstance(candidate[0]).generatePublic(new X509EncodedKeySpec(der));
      } catch (Exception e) {
        continue; // try the next key type
      }
      if (key instanceof ECPublicKey ec && !isP256(ec)) {
        // ES256 is ECDSA on P-256 only: a key on another curve would verify no token its owner issues.
        throw new IllegalArgumentException(file + ": an EC key must be on the P-256 curve (ES256)");
      }
      return candidate[1];
    }
    throw new IllegalArgumentException(file + ": neither an RSA nor an EC public key");
  }

  private static boolean isP256(ECPublicKey key) {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
      return key.getParams().getCurve().equals(p256.getCurve()) && key.getParams().getOrder().equals(p256.getOrder());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
