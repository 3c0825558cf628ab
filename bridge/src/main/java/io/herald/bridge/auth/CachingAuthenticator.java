package io.herald.bridge.auth;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the identities of tokens it has verified, so a service that publishes with the same
 * token thousands of times a second is verified once rather than on every request.
 *
 * <p>Only the exact token string that passed verification finds its identity here, and the
 * identity's expiry is checked on every use; refused tokens are never remembered. Shared by the
 * node's HTTP verticle instances, hence the concurrent map. When full it starts over, which costs
 * a re-verification per live token and bounds memory at {@code capacity} entries.
 */
public final class CachingAuthenticator implements Authenticator {

  public static final int DEFAULT_CAPACITY = 10_000;

  private final Authenticator delegate;
  private final int capacity;
  private final ConcurrentHashMap<String, Identity> verified = new ConcurrentHashMap<>();

  public CachingAuthenticator(Authenticator delegate, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.delegate = delegate;
    this.capacity = capacity;
  }

  @Override
  public Future<Identity> authenticate(String token) {
    Identity known = token == null ? null : verified.get(token);
    if (known != null) {
      if (!known.expiredAt(System.currentTimeMillis())) {
        return Future.succeededFuture(known);
      }
      verified.remove(token, known);
    }
    return delegate.authenticate(token).onSuccess(identity -> remember(token, identity));
  }

  /** Tokens currently remembered. */
  public int size() {
    return verified.size();
  }

  private void remember(String token, Identity identity) {
    if (verified.size() >= capacity) {
      verified.clear();
    }
    verified.put(token, identity);
  }
}
