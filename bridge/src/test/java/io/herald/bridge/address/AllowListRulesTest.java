package io.herald.bridge.address;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.auth.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowListRulesTest {

  private static final Identity ANON = Identity.ANONYMOUS;

  @Test
  void defaultsPermitPublicUserAndGroupAddressesForEveryOperation() {
    AllowListRules rules = AllowListRules.defaults();
    for (Operation op : Operation.values()) {
      for (String address : List.of("public.ticker", "user.42", "group.admins.chat", "public.a.b.c")) {
        assertTrue(rules.permits(ANON, op, address), op + " " + address);
      }
    }
  }

  @Test
  void defaultsDenyEverythingElse() {
    AllowListRules rules = AllowListRules.defaults();
    for (String address : List.of("public", "user", "private.x", "publicx", "publicity.x", "xpublic.a", "Public.a", "svc")) {
      assertFalse(rules.permits(ANON, Operation.SUBSCRIBE, address), address);
    }
  }

  @Test
  void exactPatternsMatchOnlyThemselves() {
    AllowListRules rules = new AllowListRules(List.of("ops", "svc.echo"));
    assertTrue(rules.permits(ANON, Operation.SEND, "ops"));
    assertTrue(rules.permits(ANON, Operation.SEND, "svc.echo"));
    assertFalse(rules.permits(ANON, Operation.SEND, "ops.x"));
    assertFalse(rules.permits(ANON, Operation.SEND, "svc.echo2"));
    assertFalse(rules.permits(ANON, Operation.SEND, "svc"));
  }

  @Test
  void anEmptyListDeniesEverything() {
    assertFalse(new AllowListRules(List.of()).permits(ANON, Operation.PUBLISH, "public.x"));
  }

  @Test
  void refusesMalformedPatterns() {
    for (String pattern : List.of("*", "a.*.b", "bad pattern", "a..*", "", ".*")) {
      assertThrows(IllegalArgumentException.class, () -> new AllowListRules(List.of(pattern)), pattern);
    }
  }
}
