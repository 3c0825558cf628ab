package io.herald.bridge.support;

import io.herald.bridge.auth.JwtSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs real JWTs for tests, and builds the bad ones an attacker would try.
 *
 * <p>HS256 tokens come from vertx-auth-jwt's own {@code generateToken} with {@link #SECRET}. RS256
 * and ES256 tokens are signed here with {@code java.security} over key pairs generated per
 * instance; their public keys are written as PEM files ({@link #rsaPem}, {@link #ecPem}) and, for a
 * second pair of each kind, as a JSON Web Key Set ({@link #jwks}), in the directory given.
 */
public final class Tokens {

  /** The HS256 secret the servers under test are configured with (at least 32 bytes). */
  public static final String SECRET = "herald-test-secret-0123456789-abcdefghij";
  /** Another valid-looking secret the servers do not know. */
  public static final String OTHER_SECRET = "an-attacker-secret-0123456789-abcdefghij";
  public static final String RSA_KID = "rsa-jwks-1";
  public static final String EC_KID = "ec-jwks-1";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final JWTAuth hmac;
  private final KeyPair rsa;
  private final KeyPair ec;
  private final KeyPair jwksRsa;
  private final KeyPair jwksEc;
  public final Path rsaPem;
  public final Path ecPem;
  public final Path jwks;

  private Tokens(Vertx vertx, Path dir) throws GeneralSecurityException, IOException {
    hmac = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    rsa = rsaPair();
    ec = ecPair();
    jwksRsa = rsaPair();
    jwksEc = ecPair();
    rsaPem = Files.writeString(dir.resolve("rsa.pem"), pem(rsa.getPublic()));
    ecPem = Files.writeString(dir.resolve("ec.pem"), pem(ec.getPublic()));
    JsonArray keys = new JsonArray()
        .add(rsaJwk((RSAPublicKey) jwksRsa.getPublic()))
        .add(ecJwk((ECPublicKey) jwksEc.getPublic()));
    jwks = Files.writeString(dir.resolve("jwks.json"), new JsonObject().put("keys", keys).encodePrettily());
  }

  /** Fresh key pairs, their PEM files and a JWKS file in {@code dir}. */
  public static Tokens create(Vertx vertx, Path dir) {
    try {
      return new Tokens(vertx, dir);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every key kind at once: the secret, both PEM files and the JWKS. */
  public JwtSettings allKeys(String issuer, List<String> audience, Duration leeway) {
    return new JwtSettings(SECRET, List.of(rsaPem, ecPem), jwks, issuer, audience, leeway);
  }

  // ---- good tokens -------------------------------------------------------------------------

  public String hs256(Claims claims) {
    return hmac.generateToken(claims.json(), new JWTOptions().setAlgorithm("HS256"));
  }

  public String rs256(Claims claims) {
    return signed(header("RS256", null), claims.json(), "SHA256withRSA", rsa.getPrivate());
  }

  public String es256(Claims claims) {
    return signed(header("ES256", null), claims.json(), "SHA256withECDSAinP1363Format", ec.getPrivate());
  }

  /** RS256 with the JWKS's RSA key, naming it by {@code kid}. */
  public String jwksRs256(Claims claims) {
    return signed(header("RS256", RSA_KID), claims.json(), "SHA256withRSA", jwksRsa.getPrivate());
  }

  /** ES256 with the JWKS's EC key, naming it by {@code kid}. */
  public String jwksEs256(Claims claims) {
    return signed(header("ES256", EC_KID), claims.json(), "SHA256withECDSAinP1363Format", jwksEc.getPrivate());
  }

  // ---- bad tokens ----------------------------------------------------------------------------

  /** A well-formed HS256 token signed with a secret the server does not know. */
  public static String hs256WithSecret(String secret, Claims claims) {
    return hmacSigned(header("HS256", null), claims.json(), secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A good token whose payload was swapped for other claims, keeping the original signature. */
  public static String tampered(String token, Claims replacement) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(replacement.json().encode()) + "." + parts[2];
  }

  /** {@code {"alg":"none"}} and an empty signature: "header.payload." */
  public static String algNone(Claims claims) {
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.json().encode()) + ".";
  }

  /**
   * The algorithm-confusion attack: an HS256 token whose HMAC key is the bytes of the server's RSA
   * public key file, which an attacker can read as easily as the server.
   */
  public String algorithmConfusion(Claims claims) {
    try {
      return hmacSigned(header("HS256", null), claims.json(), Files.readAllBytes(rsaPem));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String notThreeParts() {
    return "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";
  }

  public static String badBase64() {
    return "eyJhbGciOi$$$.%%%not-base64%%%.###";
  }

  /** Three base64url parts, the first of which is not JSON. */
  public static String badJson() {
    return b64("{\"alg\":\"HS256\",") + "." + b64("{\"sub\":\"alice\"}") + "." + b64("signature");
  }

  // ---- claims ----------------------------------------------------------------------------------

  public static Claims sub(String sub) {
    return new Claims().put("sub", sub);
  }

  /** A claims builder; {@code exp} is in seconds since the epoch, as JWT says. */
  public static final class Claims {
    private final JsonObject json = new JsonObject();

    public Claims put(String name, Object value) {
      json.put(name, value);
      return this;
    }

    public Claims without(String name) {
      json.remove(name);
      return this;
    }

    public Claims groups(String... groups) {
      return put("groups", new JsonArray(Arrays.asList((Object[]) groups)));
    }

    public Claims roles(String... roles) {
      return put("roles", new JsonArray(Arrays.asList((Object[]) roles)));
    }

    public Claims expiresIn(Duration ttl) {
      return put("exp", (System.currentTimeMillis() + ttl.toMillis()) / 1000);
    }

    public Claims expiredAgo(Duration ago) {
      return put("exp", (System.currentTimeMillis() - ago.toMillis()) / 1000);
    }

    public Claims issuer(String iss) {
      return put("iss", iss);
    }

    public Claims audience(String... aud) {
      return put("aud", aud.length == 1 ? aud[0] : new JsonArray(Arrays.asList((Object[]) aud)));
    }

    public JsonObject json() {
      return json.copy();
    }
  }

  // ---- signing -------------------------------------------------------------------------------

  private static JsonObject header(String alg, String kid) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
    return kid == null ? header : header.put("kid", kid);
  }

  private static String signed(JsonObject header, JsonObject claims, String algorithm, PrivateKey key) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmacSigned(JsonObject header, JsonObject claims, byte[] key) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair rsaPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static KeyPair ecPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  private static JsonObject rsaJwk(RSAPublicKey key) {
    return new JsonObject().put("kty", "RSA").put("kid", RSA_KID).put("alg", "RS256").put("use", "sig")
        .put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
  }

  private static JsonObject ecJwk(ECPublicKey key) {
    return new JsonObject().put("kty", "EC").put("kid", EC_KID).put("alg", "ES256").put("use", "sig").put("crv", "P-256")
        .put("x", coordinate(key.getW().getAffineX())).put("y", coordinate(key.getW().getAffineY()));
  }

  /** Base64url of a big-endian unsigned integer, without the sign byte Java adds. */
  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return B64.encodeToString(bytes);
  }

  /** A P-256 coordinate: exactly 32 bytes (RFC 7518, section 6.2.1.2). */
  private static String coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
    return B64.encodeToString(fixed);
  }
}
