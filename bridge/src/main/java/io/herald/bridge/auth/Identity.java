package io.herald.bridge.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Who is on the other end of a connection or request, as far as address rules are concerned.
 *
 * @param subject the user id ({@code sub} claim), or {@code null} when anonymous
 * @param groups the {@code groups} claim
 * @param roles the {@code roles} claim
 * @param expiresAt when the credential stops being valid, epoch ms; {@link Long#MAX_VALUE} if never
 * @param claims every claim of the token, for rules that test other claims
 */
public record Identity(String subject, Set<String> groups, Set<String> roles, long expiresAt, JsonObject claims) {

  public static final Identity ANONYMOUS = new Identity(null, Set.of(), Set.of(), Long.MAX_VALUE, new JsonObject());

  public Identity {
    groups = Set.copyOf(groups);
    roles = Set.copyOf(roles);
    claims = claims.copy();
  }

  public boolean anonymous() {
    return subject == null;
  }

  public boolean expiredAt(long now) {
    return now >= expiresAt;
  }

  /** A claim's values as strings: one for a plain claim, each element for an array; none if absent. */
  public List<String> claimValues(String claim) {
    switch (claim) {
      case "sub":
        return subject == null ? List.of() : List.of(subject);
      case "groups":
        return List.copyOf(groups);
      case "roles":
        return List.copyOf(roles);
      default:
        Object value = claims.getValue(claim);
        if (value instanceof JsonArray array) {
          return array.stream().filter(v -> v instanceof String || v instanceof Number || v instanceof Boolean).map(String::valueOf).toList();
        }
        return value instanceof String || value instanceof Number || value instanceof Boolean ? List.of(String.valueOf(value)) : List.of();
    }
  }
}
