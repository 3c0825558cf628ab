package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;

/**
 * The one component that decides who may do what on which address. Every transport and the HTTP API
 * ask it before they subscribe, publish or send; anything it does not permit is denied.
 *
 * <p>Addresses reach it only after {@link AddressSyntax} accepted them.
 */
@FunctionalInterface
public interface AddressRules {

  boolean permits(Identity identity, Operation operation, String address);
}
