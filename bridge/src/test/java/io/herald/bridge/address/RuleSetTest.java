package io.herald.bridge.address;

import static io.herald.bridge.address.Operation.PUBLISH;
import static io.herald.bridge.address.Operation.SEND;
import static io.herald.bridge.address.Operation.SUBSCRIBE;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.auth.Identity;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleSetTest {

  private static Identity user(String sub, Set<String> groups, Set<String> roles) {
    return new Identity(sub, groups, roles, Long.MAX_VALUE, new JsonObject().put("sub", sub));
  }

  private static final Map<String, Identity> WHO = Map.of(
      "alice", user("alice", Set.of("ops"), Set.of()),
      "bob", user("bob", Set.of("dev"), Set.of()),
      "service", user("svc", Set.of(), Set.of("publisher")),
      "auditor", user("carol", Set.of(), Set.of("auditor")),
      "anonymous", Identity.ANONYMOUS);

  /** The defaults table of docs/SECURITY.md, row by row. */
  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
      "alice,     SUBSCRIBE, user.alice,   true",
      "bob,       SUBSCRIBE, user.alice,   false",
      "service,   SUBSCRIBE, user.alice,   false",
      "anonymous, SUBSCRIBE, user.alice,   false",
      "alice,     SUBSCRIBE, user.alice2,  false",
      "alice,     SUBSCRIBE, user.alice.x, false",
      "alice,     SUBSCRIBE, group.ops,    true",
      "bob,       SUBSCRIBE, group.ops,    false",
      "alice,     SUBSCRIBE, group.dev,    false",
      "alice,     SUBSCRIBE, public.news,  true",
      "bob,       SUBSCRIBE, public.a.b,   true",
      "service,   SUBSCRIBE, public.news,  true",
      "anonymous, SUBSCRIBE, public.news,  false",
      "alice,     SUBSCRIBE, private.x,    false",
      "service,   SUBSCRIBE, private.x,    false",
      "alice,     PUBLISH,   user.alice,   false",
      "alice,     PUBLISH,   public.news,  false",
      "service,   PUBLISH,   user.alice,   true",
      "service,   PUBLISH,   anything.at.all, true",
      "anonymous, PUBLISH,   public.news,  false",
      "alice,     SEND,      service.x,    false",
      "service,   SEND,      service.x,    true",
      "anonymous, SEND,      service.x,    false",
  })
  void defaultsTable(String who, Operation operation, String address, boolean permitted) {
    assertEquals(permitted, RuleSet.defaults().permits(WHO.get(who), operation, address));
  }

  @Test
  void requireSays401ToAnonymousAnd403ToAnIdentity() {
    RuleSet rules = RuleSet.defaults();
    assertDoesNotThrow(() -> rules.require(WHO.get("alice"), SUBSCRIBE, "user.alice"));
    HeraldException anonymous = assertThrows(HeraldException.class, () -> rules.require(Identity.ANONYMOUS, SUBSCRIBE, "user.alice"));
    assertEquals(ErrorCode.UNAUTHORIZED, anonymous.code());
    assertEquals(401, anonymous.code().httpStatus());
    HeraldException forbidden = assertThrows(HeraldException.class, () -> rules.require(WHO.get("bob"), SUBSCRIBE, "user.alice"));
    assertEquals(ErrorCode.FORBIDDEN, forbidden.code());
    assertEquals(403, forbidden.code().httpStatus());
    assertTrue(forbidden.getMessage().contains("subscribe on user.alice"), forbidden.getMessage());
    HeraldException publish = assertThrows(HeraldException.class, () -> rules.require(WHO.get("alice"), PUBLISH, "user.alice"));
    assertEquals(ErrorCode.FORBIDDEN, publish.code());
    assertTrue(publish.getMessage().contains("publish on user.alice"), publish.getMessage());
  }

  private static final String DOC_EXAMPLE = """
      {"rules": [
        {"address": "user.{sub}",       "subscribe": true},
        {"address": "group.{groups}",   "subscribe": true},
        {"address": "public.**",        "subscribe": true},
        {"address": "status.*",         "subscribe": {"anonymous": true}},
        {"address": "chat.{groups}.*",  "subscribe": true, "publish": true},
        {"address": "audit.**",         "subscribe": {"claims": {"roles": ["auditor", "admin"]}}},
        {"address": "service.**",       "send": {"claims": {"roles": "publisher"}}},
        {"address": "**",               "publish": {"claims": {"roles": "publisher"}},
                                        "send": {"claims": {"roles": "publisher"}}}
      ]}""";

  @Test
  void theDocumentedExampleParsesAndMeansWhatItSays() {
    RuleSet rules = RuleSet.fromJson(new JsonObject(DOC_EXAMPLE));
    assertEquals(8, rules.rules().size());
    Identity alice = WHO.get("alice");
    assertTrue(rules.permits(Identity.ANONYMOUS, SUBSCRIBE, "status.node1"));
    assertFalse(rules.permits(Identity.ANONYMOUS, SUBSCRIBE, "status.node1.cpu"));
    assertFalse(rules.permits(Identity.ANONYMOUS, PUBLISH, "status.node1"));
    assertTrue(rules.permits(alice, PUBLISH, "chat.ops.general"));
    assertTrue(rules.permits(alice, SUBSCRIBE, "chat.ops.general"));
    assertFalse(rules.permits(alice, PUBLISH, "chat.dev.general"));
    assertFalse(rules.permits(Identity.ANONYMOUS, SUBSCRIBE, "chat.ops.general"));
    assertTrue(rules.permits(WHO.get("auditor"), SUBSCRIBE, "audit.logins"));
    assertFalse(rules.permits(alice, SUBSCRIBE, "audit.logins"));
    assertTrue(rules.permits(WHO.get("service"), SEND, "service.mailer"));
    assertFalse(rules.permits(alice, SEND, "service.mailer"));
    assertFalse(rules.permits(WHO.get("service"), SUBSCRIBE, "service.mailer"));
  }

  @Test
  void falseGrantsNothingAndAnonymousFalseMeansAuthenticated() {
    RuleSet rules = RuleSet.fromJson(new JsonObject()
        .put("rules", new JsonArray()
            .add(new JsonObject().put("address", "a.*").put("subscribe", false).put("publish", new JsonObject().put("anonymous", false)))));
    assertFalse(rules.permits(WHO.get("alice"), SUBSCRIBE, "a.b"));
    assertTrue(rules.permits(WHO.get("alice"), PUBLISH, "a.b"));
    assertFalse(rules.permits(Identity.ANONYMOUS, PUBLISH, "a.b"));
  }

  private static String refused(String json) {
    return assertThrows(IllegalArgumentException.class, () -> RuleSet.fromJson(new JsonObject(json))).getMessage();
  }

  private static void assertNames(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "'" + message + "' should name " + part);
    }
  }

  @Test
  void unknownKeysAreNamedWithTheirRule() {
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":true},{\"address\":\"b\",\"subscibe\":true}]}"),
        "rule 1", "'subscibe'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"claim\":{\"roles\":\"x\"}}}]}"),
        "rule 0", "'subscribe'", "'claim'");
    assertNames(refused("{\"rules\":[], \"default\":\"allow\"}"), "'default'");
  }

  @Test
  void wrongTypesAreNamedWithTheirRule() {
    assertNames(refused("{\"rules\":{}}"), "'rules'");
    assertNames(refused("{}"), "'rules'");
    assertNames(refused("{\"rules\":[\"user.{sub}\"]}"), "rule 0", "object");
    assertNames(refused("{\"rules\":[{\"address\":5,\"subscribe\":true}]}"), "rule 0", "'address'");
    assertNames(refused("{\"rules\":[{\"subscribe\":true}]}"), "rule 0", "'address'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":true},{\"address\":\"a..b\",\"subscribe\":true}]}"), "rule 1", "a..b");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":\"yes\"}]}"), "rule 0", "'subscribe'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"publish\":1}]}"), "rule 0", "'publish'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"send\":{\"anonymous\":\"true\"}}]}"), "rule 0", "'send'", "'anonymous'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"claims\":[\"roles\"]}}]}"), "rule 0", "'claims'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"claims\":{\"roles\":5}}}]}"), "rule 0", "'roles'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"claims\":{\"roles\":[]}}}]}"), "rule 0", "'roles'");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"claims\":{\"roles\":[\"a\",1]}}}]}"), "rule 0", "'roles'");
  }

  @Test
  void anonymousWithClaimsIsRejected() {
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":{\"anonymous\":true,\"claims\":{\"roles\":\"x\"}}}]}"),
        "rule 0", "'subscribe'", "anonymous");
  }

  @Test
  void aRuleThatGrantsNothingIsRejected() {
    assertNames(refused("{\"rules\":[{\"address\":\"a\"}]}"), "rule 0", "grants nothing");
    assertNames(refused("{\"rules\":[{\"address\":\"a\",\"subscribe\":true},"
        + "{\"address\":\"b\",\"subscribe\":false,\"publish\":false,\"send\":null}]}"), "rule 1", "grants nothing");
  }

  @Test
  void anEmptyRuleListDeniesEverything() {
    RuleSet none = RuleSet.fromJson(new JsonObject().put("rules", new JsonArray()));
    for (Operation op : Operation.values()) {
      assertFalse(none.permits(WHO.get("service"), op, "public.news"));
      assertFalse(none.permits(Identity.ANONYMOUS, op, "public.news"));
    }
  }
}
