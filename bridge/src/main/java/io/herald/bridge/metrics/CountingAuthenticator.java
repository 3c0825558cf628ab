package io.herald.bridge.metrics;

import io.herald.bridge.auth.AuthFailure;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.Identity;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/** Counts the refusals of the authenticator it wraps, by {@link AuthFailure}; each refusal once. */
final class CountingAuthenticator implements Authenticator {

  private final Authenticator delegate;
  private final HeraldMetrics metrics;

  CountingAuthenticator(Authenticator delegate, HeraldMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public Future<Identity> authenticate(String token) {
    return delegate.authenticate(token).onFailure(this::count);
  }

  /** The delegate's own identify, so a request is counted once whether its header or its token is refused. */
  @Override
  public Future<Identity> identify(HttpServerRequest request) {
    return delegate.identify(request).onFailure(this::count);
  }

  private void count(Throwable failure) {
    AuthFailure reason = AuthFailure.of(failure);
    if (reason != null) {
      metrics.authFailed(reason);
    }
  }
}
