package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.Tokens.Claims;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JwtAuthenticatorTest {

  private static final String ISSUER = "https://id.herald.test/";
  private static final String AUDIENCE = "herald";

  @TempDir
  Path dir;

  private Vertx vertx;
  private Tokens tokens;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.tokens = Tokens.create(vertx, dir);
  }

  private JwtAuthenticator authenticator(String secret, List<Path> pems, Path jwks) {
    return JwtAuthenticator.create(vertx, new JwtSettings(secret, pems, jwks, null, List.of(), JwtSettings.DEFAULT_LEEWAY));
  }

  private JwtAuthenticator strict() {
    return JwtAuthenticator.create(vertx, tokens.allKeys(ISSUER, List.of(AUDIENCE), Duration.ZERO));
  }

  private static Identity accepted(Authenticator authenticator, String token) {
    return await(authenticator.authenticate(token));
  }

  /** Asserts an {@code unauthorized} refusal that does not echo the token, and returns its reason. */
  private static String refused(Authenticator authenticator, String token) {
    Future<Identity> result = authenticator.authenticate(token);
    Throwable failure = assertThrows(Throwable.class, () -> await(result), "accepted: " + token);
    HeraldException error = assertInstanceOf(HeraldException.class, failure);
    assertEquals(ErrorCode.UNAUTHORIZED, error.code());
    String reason = error.getMessage();
    assertFalse(reason == null || reason.isBlank());
    assertFalse(!token.isEmpty() && reason.contains(token), reason);
    for (String part : token.split("\\.")) {
      assertFalse(part.length() > 8 && reason.contains(part), () -> "reason echoes part of the token: " + reason);
    }
    return reason;
  }

  private static Claims alice() {
    return sub("alice").groups("ops", "team").roles("publisher").expiresIn(Duration.ofHours(1));
  }

  @Test
  void eachKeyKindAcceptsItsOwnTokensOnly() {
    Map<String, JwtAuthenticator> byKind = new LinkedHashMap<>();
    byKind.put("hs256", authenticator(Tokens.SECRET, List.of(), null));
    byKind.put("rs256", authenticator(null, List.of(tokens.rsaPem), null));
    byKind.put("es256", authenticator(null, List.of(tokens.ecPem), null));
    byKind.put("jwks", authenticator(null, List.of(), tokens.jwks));
    Map<String, List<Function<Claims, String>>> signers = Map.of(
        "hs256", List.of(tokens::hs256),
        "rs256", List.of(tokens::rs256),
        "es256", List.of(tokens::es256),
        "jwks", List.of(tokens::jwksRs256, tokens::jwksEs256));
    for (var kind : byKind.entrySet()) {
      for (var signer : signers.entrySet()) {
        for (Function<Claims, String> sign : signer.getValue()) {
          String token = sign.apply(alice());
          if (kind.getKey().equals(signer.getKey())) {
            assertEquals("alice", accepted(kind.getValue(), token).subject(), kind.getKey());
          } else {
            refused(kind.getValue(), token);
          }
        }
      }
    }
  }

  @Test
  void keysCombineAndTheIdentityCarriesEveryClaim() {
    JwtAuthenticator all = strict();
    Claims claims = alice().issuer(ISSUER).audience(AUDIENCE).put("tenant", "acme");
    long exp = claims.json().getLong("exp");
    for (String token : List.of(tokens.hs256(claims), tokens.rs256(claims), tokens.es256(claims),
        tokens.jwksRs256(claims), tokens.jwksEs256(claims))) {
      Identity identity = accepted(all, token);
      assertEquals("alice", identity.subject());
      assertFalse(identity.anonymous());
      assertEquals(Set.of("ops", "team"), identity.groups());
      assertEquals(Set.of("publisher"), identity.roles());
      assertEquals(exp * 1000, identity.expiresAt());
      assertEquals("acme", identity.claims().getString("tenant"));
      assertEquals(ISSUER, identity.claims().getString("iss"));
      assertEquals(List.of("acme"), identity.claimValues("tenant"));
      assertFalse(identity.claims().encode().contains(token), "the raw token is not a claim");
    }
  }

  @Test
  void aTokenWithoutExpNeverExpiresAndMissingGroupsAndRolesAreEmpty() {
    Identity identity = accepted(authenticator(Tokens.SECRET, List.of(), null), tokens.hs256(sub("bob")));
    assertEquals(Long.MAX_VALUE, identity.expiresAt());
    assertEquals(Set.of(), identity.groups());
    assertEquals(Set.of(), identity.roles());
  }

  @Test
  void everyForgedOrBrokenTokenIsRefusedWithoutEchoingIt() {
    JwtAuthenticator all = strict();
    Claims good = alice().issuer(ISSUER).audience(AUDIENCE);
    Claims bob = sub("bob").roles("publisher").issuer(ISSUER).audience(AUDIENCE).expiresIn(Duration.ofHours(1));
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("not three parts", Tokens.notThreeParts());
    bad.put("four parts", tokens.hs256(good) + ".x");
    bad.put("bad base64", Tokens.badBase64());
    bad.put("bad json", Tokens.badJson());
    bad.put("empty", "");
    bad.put("too long", "a.b." + "c".repeat(9000));
    bad.put("other secret", Tokens.hs256WithSecret(Tokens.OTHER_SECRET, good));
    bad.put("tampered hs256", Tokens.tampered(tokens.hs256(good), bob));
    bad.put("tampered rs256", Tokens.tampered(tokens.rs256(good), bob));
    bad.put("tampered es256", Tokens.tampered(tokens.es256(good), bob));
    bad.put("tampered jwks", Tokens.tampered(tokens.jwksRs256(good), bob));
    bad.put("expired", tokens.hs256(alice().issuer(ISSUER).audience(AUDIENCE).expiredAgo(Duration.ofMinutes(5))));
    long now = System.currentTimeMillis() / 1000;
    bad.put("not yet valid", tokens.hs256(alice().issuer(ISSUER).audience(AUDIENCE).put("nbf", now + 3600)));
    bad.put("not yet valid, no exp", tokens.hs256(sub("alice").issuer(ISSUER).audience(AUDIENCE).put("nbf", now + 3600)));
    bad.put("wrong issuer", tokens.rs256(alice().issuer("https://evil.test/").audience(AUDIENCE)));
    bad.put("no issuer", tokens.rs256(alice().audience(AUDIENCE)));
    bad.put("wrong audience", tokens.es256(alice().issuer(ISSUER).audience("other")));
    bad.put("no audience", tokens.es256(alice().issuer(ISSUER)));
    bad.put("alg none", Tokens.algNone(good));
    bad.put("algorithm confusion", tokens.algorithmConfusion(good));
    for (var entry : bad.entrySet()) {
      String reason = refused(all, entry.getValue());
      assertTrue(reason.startsWith("token"), entry.getKey() + ": " + reason);
    }
    assertEquals("token has expired", refused(all, bad.get("expired")));
    // vertx-auth-jwt calls both expired; the token's exp tells them apart.
    assertEquals("token is not valid yet", refused(all, bad.get("not yet valid")));
    assertEquals("token is not valid yet", refused(all, bad.get("not yet valid, no exp")));
    assertEquals("token issuer is not accepted", refused(all, bad.get("wrong issuer")));
    assertEquals("token audience is not accepted", refused(all, bad.get("wrong audience")));
    assertEquals("token signature is invalid", refused(all, bad.get("other secret")));
    assertEquals("token signature is invalid", refused(all, bad.get("tampered rs256")));
  }

  @Test
  void algNoneAndAlgorithmConfusionFailAgainstAnRsaOnlyServer() {
    JwtAuthenticator rsaOnly = authenticator(null, List.of(tokens.rsaPem), null);
    assertEquals("alice", accepted(rsaOnly, tokens.rs256(alice())).subject());
    refused(rsaOnly, tokens.algorithmConfusion(alice()));
    refused(rsaOnly, Tokens.algNone(alice()));
    JwtAuthenticator hmacOnly = authenticator(Tokens.SECRET, List.of(), null);
    refused(hmacOnly, Tokens.algNone(alice()));
  }

  @Test
  void anAudienceListNeedsOneAcceptedValue() {
    JwtAuthenticator auth = JwtAuthenticator.create(vertx,
        new JwtSettings(Tokens.SECRET, List.of(), null, null, List.of("herald", "herald-eu"), Duration.ZERO));
    accepted(auth, tokens.hs256(alice().audience("other", "herald-eu")));
    accepted(auth, tokens.hs256(alice().audience("herald")));
    refused(auth, tokens.hs256(alice().audience("other", "more")));
  }

  @Test
  void anExpTooFarAheadForMillisecondsNeverEndsTheConnection() {
    JwtAuthenticator auth = authenticator(Tokens.SECRET, List.of(), null);
    Identity identity = accepted(auth, tokens.hs256(sub("alice").put("exp", 10_000_000_000_000_000L)));
    assertEquals(Long.MAX_VALUE, identity.expiresAt());
    assertFalse(identity.expiredAt(System.currentTimeMillis()));
  }

  @Test
  void leewayToleratesClockSkewOnExp() {
    Claims expiredTwoSecondsAgo = alice().expiredAgo(Duration.ofSeconds(2));
    String token = tokens.hs256(expiredTwoSecondsAgo);
    JwtAuthenticator lenient = JwtAuthenticator.create(vertx,
        new JwtSettings(Tokens.SECRET, List.of(), null, null, List.of(), Duration.ofSeconds(5)));
    JwtAuthenticator exact = JwtAuthenticator.create(vertx,
        new JwtSettings(Tokens.SECRET, List.of(), null, null, List.of(), Duration.ZERO));
    Identity identity = accepted(lenient, token);
    // A live connection ends when the door would refuse the token: at exp plus the leeway.
    long exp = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]))).getLong("exp") * 1000;
    assertEquals(exp + 5_000, identity.expiresAt());
    assertTrue(identity.expiredAt(exp + 5_000));
    assertEquals("token has expired", refused(exact, token));
    refused(lenient, tokens.hs256(alice().expiredAgo(Duration.ofSeconds(30))));
  }

  @Test
  void subMustBeANonEmptyString() {
    JwtAuthenticator auth = authenticator(Tokens.SECRET, List.of(), null);
    assertEquals("token has no 'sub' claim", refused(auth, tokens.hs256(alice().without("sub"))));
    refused(auth, tokens.hs256(alice().put("sub", "")));
    refused(auth, tokens.hs256(alice().put("sub", 42)));
    refused(auth, tokens.hs256(alice().put("sub", new JsonArray().add("alice"))));
  }

  @Test
  void groupsAndRolesMustBeArraysOfStrings() {
    JwtAuthenticator auth = authenticator(Tokens.SECRET, List.of(), null);
    for (Object wrong : List.of("ops", 7, new JsonArray().add("ops").add(1), new JsonObject().put("ops", true),
        new JsonArray().add(new JsonArray().add("ops")))) {
      assertTrue(refused(auth, tokens.hs256(alice().put("groups", wrong))).contains("'groups'"), String.valueOf(wrong));
      assertTrue(refused(auth, tokens.hs256(alice().put("roles", wrong))).contains("'roles'"), String.valueOf(wrong));
    }
  }

  @Test
  void configurationMistakesFailAtCreation() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> JwtAuthenticator.create(vertx, JwtSettings.hmac("x".repeat(31))));
    JwtAuthenticator.create(vertx, JwtSettings.hmac("x".repeat(32)));
    assertThrows(IllegalArgumentException.class,
        () -> JwtAuthenticator.create(vertx, new JwtSettings(null, List.of(), null, null, List.of(), Duration.ZERO)));
    Path notPem = Files.writeString(dir.resolve("not.pem"), "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
    assertThrows(IllegalArgumentException.class, () -> authenticator(null, List.of(notPem), null));
    assertThrows(IllegalArgumentException.class, () -> authenticator(null, List.of(dir.resolve("missing.pem")), null));
    JsonObject jwks = new JsonObject(Files.readString(tokens.jwks));
    jwks.getJsonArray("keys").getJsonObject(0).remove("alg");
    Path noAlg = Files.writeString(dir.resolve("no-alg.json"), jwks.encode());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> authenticator(null, List.of(), noAlg));
    assertTrue(e.getMessage().contains("'alg'"), e.getMessage());
    // ES256 is ECDSA on P-256: a key on another curve would verify none of its owner's tokens.
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    Path p384Pem = Files.writeString(dir.resolve("p384.pem"), "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(p384.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    IllegalArgumentException curve = assertThrows(IllegalArgumentException.class, () -> authenticator(null, List.of(p384Pem), null));
    assertTrue(curve.getMessage().contains("P-256"), curve.getMessage());
    Path notJson = Files.writeString(dir.resolve("bad.json"), "{keys:");
    assertThrows(IllegalArgumentException.class, () -> authenticator(null, List.of(), notJson));
    assertThrows(IllegalArgumentException.class, () -> new JwtSettings(null, List.of(), null, null, List.of(), Duration.ofSeconds(-1)));
    // Whole seconds, as the check at the door takes them; up to a day.
    assertThrows(IllegalArgumentException.class, () -> new JwtSettings(null, List.of(), null, null, List.of(), Duration.ofMillis(500)));
    assertThrows(IllegalArgumentException.class, () -> new JwtSettings(null, List.of(), null, null, List.of(), Duration.ofHours(25)));
  }

  @Test
  void settingsNeverPrintTheSecret() {
    String printed = tokens.allKeys(ISSUER, List.of(AUDIENCE), Duration.ZERO).toString();
    assertFalse(printed.contains(Tokens.SECRET), printed);
  }

  @Test
  void redactionHidesQueryTokens() {
    String token = tokens.hs256(alice());
    String uri = Redaction.uri("/sse?address=user.alice&access_token=" + token + "&x=1");
    assertEquals("/sse?address=user.alice&access_token=[redacted]&x=1", uri);
    assertFalse(Redaction.uri("/eventbus/1/s/xhr?ACCESS_TOKEN=" + token).contains(token));
    // The server decodes parameter names: an encoded name carries a token just the same.
    for (String name : List.of("access%5Ftoken", "access%5ftoken", "%61ccess_token", "%41CCESS%5FTOKEN", "%61%63%63%65%73%73%5f%74%6f%6b%65%6e")) {
      assertEquals("/ws?x=1&" + name + "=[redacted]&y=2", Redaction.uri("/ws?x=1&" + name + "=" + token + "&y=2"), name);
    }
    assertEquals("/sse?address=user.access_tokens", Redaction.uri("/sse?address=user.access_tokens"));
  }
}
