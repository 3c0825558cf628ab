package io.herald.verticles.security;

import io.herald.bridge.auth.AuthFailure;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.metrics.HeraldMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Guards the operator endpoints ({@code GET /api/cluster}, {@code GET /metrics}): they reveal no
 * secret, but the cluster's topology (member ids, addresses, load), which is not for every client. With a JWT key configured
 * they need a token whose {@code roles} hold {@value #ROLE}; in development mode the node listens
 * on loopback only, and they are open to whoever can reach it there.
 */
public final class AdminAccess implements Handler<RoutingContext> {

  public static final String ROLE = "admin";

  private final NodeSecurity security;
  private final Authenticator authenticator;
  private final HeraldMetrics metrics;

  /** @param metrics where refused tokens are counted, as on the bridge's own doors */
  public AdminAccess(NodeSecurity security, HeraldMetrics metrics) {
    this.security = security;
    this.authenticator = metrics.counting(security.authenticator());
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (security.devSigner() != null) {
      rc.next();
      return;
    }
    authenticator.identify(rc.request())
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)))
        .onSuccess(identity -> {
          if (identity.anonymous()) {
            metrics.authFailed(AuthFailure.MISSING);
            HttpErrors.send(rc, ErrorCode.UNAUTHORIZED, "a token with the " + ROLE + " role is required");
          } else if (!identity.roles().contains(ROLE)) {
            HttpErrors.send(rc, ErrorCode.FORBIDDEN, "the " + ROLE + " role is required");
          } else {
            rc.next();
          }
        });
  }
}
