package io.herald.bridge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cache in front of token verification. The delegate here is a table of tokens, standing in
 * for the JWT verifier only to count how often verification runs; the real verifier is covered by
 * JwtAuthenticatorTest and the security matrix.
 */
class CachingAuthenticatorTest {

  private final Map<String, Identity> valid = new ConcurrentHashMap<>();
  private final AtomicInteger verifications = new AtomicInteger();
  private final Authenticator table = token -> {
    verifications.incrementAndGet();
    Identity identity = valid.get(token);
    return identity == null
        ? Future.failedFuture(new HeraldException(ErrorCode.UNAUTHORIZED, "token is invalid"))
        : Future.succeededFuture(identity);
  };

  private static Identity user(String sub, long expiresAt) {
    return new Identity(sub, Set.of(), Set.of("publisher"), expiresAt, new JsonObject());
  }

  @Test
  void aVerifiedTokenIsVerifiedOnce() {
    Identity alice = user("alice", Long.MAX_VALUE);
    valid.put("t-alice", alice);
    CachingAuthenticator cache = new CachingAuthenticator(table, 10);
    for (int i = 0; i < 100; i++) {
      assertSame(alice, cache.authenticate("t-alice").result());
    }
    assertEquals(1, verifications.get());
  }

  @Test
  void refusedTokensAreNeverRemembered() {
    CachingAuthenticator cache = new CachingAuthenticator(table, 10);
    for (int i = 0; i < 5; i++) {
      assertTrue(cache.authenticate("forged").failed());
    }
    assertEquals(5, verifications.get());
    assertEquals(0, cache.size());
  }

  @Test
  void anExpiredIdentityIsNotServedFromTheCache() throws InterruptedException {
    // Long enough that a stalled test thread (a loaded machine, a GC) still asks twice while it is valid.
    long expiresAt = System.currentTimeMillis() + 2_000;
    valid.put("t-short", user("bob", expiresAt));
    CachingAuthenticator cache = new CachingAuthenticator(table, 10);
    assertTrue(cache.authenticate("t-short").succeeded());
    assertTrue(cache.authenticate("t-short").succeeded());
    assertEquals(1, verifications.get(), "served from the cache while valid");
    Thread.sleep(Math.max(0, expiresAt + 100 - System.currentTimeMillis()));
    cache.authenticate("t-short");
    assertEquals(2, verifications.get(), "past its expiry the identity goes back to the verifier");
  }

  @Test
  void theCacheIsBounded() {
    CachingAuthenticator cache = new CachingAuthenticator(table, 100);
    for (int i = 0; i < 1000; i++) {
      valid.put("t" + i, user("u" + i, Long.MAX_VALUE));
      assertTrue(cache.authenticate("t" + i).succeeded());
      assertTrue(cache.size() <= 100);
    }
  }
}
