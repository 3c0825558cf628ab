package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.metrics.HeraldMetrics;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.Tokens.Claims;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a real JWT is refused lands on one reason of the fixed set that herald_auth_failures_total
 * counts by, and the counting authenticator counts each refusal once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AuthFailureTest {

  private static final String ISSUER = "https://id.herald.test/";
  private static final String AUDIENCE = "herald";

  @TempDir
  Path dir;

  @Test
  void eachRefusalHasItsReason(Vertx vertx) {
    Tokens tokens = Tokens.create(vertx, dir);
    JwtAuthenticator strict = JwtAuthenticator.create(vertx, tokens.allKeys(ISSUER, List.of(AUDIENCE), Duration.ZERO));
    Claims good = alice().issuer(ISSUER).audience(AUDIENCE);
    Map<String, AuthFailure> expected = new LinkedHashMap<>();
    expected.put("", AuthFailure.MALFORMED);
    expected.put(Tokens.notThreeParts(), AuthFailure.MALFORMED);
    expected.put("a.b." + "c".repeat(9000), AuthFailure.MALFORMED);
    expected.put(tokens.hs256(alice().issuer(ISSUER).audience(AUDIENCE).expiredAgo(Duration.ofMinutes(5))), AuthFailure.EXPIRED);
    expected.put(Tokens.hs256WithSecret(Tokens.OTHER_SECRET, good), AuthFailure.BAD_SIGNATURE);
    expected.put(Tokens.tampered(tokens.rs256(good), sub("bob").issuer(ISSUER).audience(AUDIENCE)), AuthFailure.BAD_SIGNATURE);
    expected.put(tokens.rs256(alice().issuer("https://evil.test/").audience(AUDIENCE)), AuthFailure.WRONG_ISSUER);
    expected.put(tokens.es256(alice().issuer(ISSUER).audience("other")), AuthFailure.WRONG_AUDIENCE);
    expected.put(tokens.hs256(sub("").issuer(ISSUER).audience(AUDIENCE).expiresIn(Duration.ofHours(1))), AuthFailure.BAD_CLAIMS);
    expected.put(tokens.hs256(good.put("groups", "ops")), AuthFailure.BAD_CLAIMS);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Authenticator counting = new HeraldMetrics(registry, "test").counting(strict);
    expected.forEach((token, reason) -> {
      Throwable refused = assertThrows(Throwable.class, () -> await(counting.authenticate(token)), reason.code());
      assertEquals(reason, AuthFailure.of(refused), refused.getMessage());
    });
    for (AuthFailure reason : AuthFailure.values()) {
      long times = expected.values().stream().filter(reason::equals).count();
      assertEquals(times, registry.get("herald.auth.failures").tag("reason", reason.code()).counter().count(), reason.code());
    }
  }

  @Test
  void onlyUnauthorizedFailuresHaveAReason() {
    assertNull(AuthFailure.of(new HeraldException(ErrorCode.BAD_REQUEST, "the query string (or form) is not valid percent-encoding")));
    assertNull(AuthFailure.of(new IllegalStateException("token has expired")));
    assertEquals(AuthFailure.NOT_ACCEPTED, AuthFailure.of(Authenticator.NONE.authenticate("x").cause()));
    assertEquals(AuthFailure.INVALID, AuthFailure.of(new HeraldException(ErrorCode.UNAUTHORIZED, "something new")));
  }

  private static Claims alice() {
    return sub("alice").groups("ops").roles("publisher").expiresIn(Duration.ofHours(1));
  }
}
