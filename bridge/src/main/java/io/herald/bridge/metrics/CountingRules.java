package io.herald.bridge.metrics;

import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.AuthFailure;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;

/** Counts as {@link AuthFailure#MISSING} each time a client without a token is refused something a token might allow. */
final class CountingRules implements AddressRules {

  private final AddressRules delegate;
  private final HeraldMetrics metrics;

  CountingRules(AddressRules delegate, HeraldMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public boolean permits(Identity identity, Operation operation, String address) {
    return delegate.permits(identity, operation, address);
  }

  @Override
  public void require(Identity identity, Operation operation, String address) {
    try {
      delegate.require(identity, operation, address);
    } catch (HeraldException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED && identity.anonymous()) {
        metrics.authFailed(AuthFailure.MISSING);
      }
      throw e;
    }
  }
}
