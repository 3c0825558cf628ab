package io.herald.verticles.security;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.CachingAuthenticator;
import io.herald.bridge.auth.JwtAuthenticator;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The node's authenticator and address rules, built once at start (key and rules files are read
 * here, off the event loops) and shared by every HTTP verticle instance: both are immutable.
 *
 * @param devSigner in development mode, the provider that signs {@code /dev/token} answers with the
 *     node's random secret; {@code null} otherwise
 */
public record NodeSecurity(Authenticator authenticator, AddressRules rules, JWTAuth devSigner) {

  private static final Logger LOG = System.getLogger(NodeSecurity.class.getName());

  /** @throws ConfigException naming the setting whose file or value cannot be used */
  public static NodeSecurity load(Vertx vertx, HeraldConfig config) {
    ReloadingRules rules = loadRules(config);
    rules.watch(vertx);
    if (!config.developmentMode()) {
      try {
        return new NodeSecurity(cached(JwtAuthenticator.create(vertx, config.jwt())), rules, null);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("JWT keys: " + e.getMessage());
      }
    }
    requireLoopback(config.httpHost());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(secret))));
    LOG.log(Level.WARNING, "development mode: no JWT key is configured, so tokens are signed with a random secret made"
        + " at start and handed out by GET /dev/token. Set " + Setting.JWT_SECRET.env() + ", " + Setting.JWT_PUBLIC_KEYS.env()
        + " or " + Setting.JWT_JWKS.env() + " for production (docs/SECURITY.md).");
    return new NodeSecurity(cached(JwtAuthenticator.of(signer)), rules, signer);
  }

  /** Services publish with one token thousands of times a second; it is verified once. */
  private static Authenticator cached(Authenticator verifier) {
    return new CachingAuthenticator(verifier, CachingAuthenticator.DEFAULT_CAPACITY);
  }

  private static ReloadingRules loadRules(HeraldConfig config) {
    return ReloadingRules.load(config.rules());
  }

  /** Development mode hands out tokens to anyone who asks, so it must not be reachable from elsewhere. */
  private static void requireLoopback(String host) {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new ConfigException(Setting.HTTP_HOST.flag() + " / " + Setting.HTTP_HOST.env() + ": development mode (no JWT key"
          + " configured) binds to loopback only, got '" + host + "'; configure a key to serve other interfaces");
    }
  }
}
