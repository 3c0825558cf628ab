package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import java.util.EnumMap;
import java.util.Map;

/** One address pattern and, for each operation it grants, who may perform it. */
public record Rule(AddressPattern pattern, Map<Operation, Grant> grants) {

  public Rule {
    grants = Map.copyOf(new EnumMap<>(grants));
  }

  public boolean permits(Identity identity, Operation operation, String address) {
    Grant grant = grants.get(operation);
    return grant != null && grant.admits(identity) && pattern.matches(address, identity);
  }
}
