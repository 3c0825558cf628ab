package io.herald.bridge.auth;

import java.util.Set;

/**
 * Who is on the other end of a connection or request, as far as address rules are concerned.
 *
 * @param subject the user id ({@code sub} claim), or {@code null} when anonymous
 * @param groups the groups the identity belongs to
 * @param roles the roles granted to the identity
 * @param expiresAt when the credential stops being valid, epoch ms; {@link Long#MAX_VALUE} if never
 */
public record Identity(String subject, Set<String> groups, Set<String> roles, long expiresAt) {

  public static final Identity ANONYMOUS = new Identity(null, Set.of(), Set.of(), Long.MAX_VALUE);

  public Identity {
    groups = Set.copyOf(groups);
    roles = Set.copyOf(roles);
  }

  public boolean anonymous() {
    return subject == null;
  }
}
