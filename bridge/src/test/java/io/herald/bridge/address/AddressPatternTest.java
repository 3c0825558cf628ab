package io.herald.bridge.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.auth.Identity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPatternTest {

  static final Identity ALICE = new Identity("alice", Set.of("ops", "eu.west"), Set.of("reader"), Long.MAX_VALUE,
      new JsonObject().put("sub", "alice").put("tenant", "acme").put("regions", new JsonArray().add("north").add("south"))
          .put("level", 3).put("nested", new JsonObject().put("a", "b")));
  static final Identity DOTTED = new Identity("a.b", Set.of(), Set.of(), Long.MAX_VALUE, new JsonObject());

  private static Identity identity(String sub) {
    return new Identity(sub, Set.of(), Set.of(), Long.MAX_VALUE, new JsonObject());
  }

  private static void matches(String pattern, Identity identity, String... addresses) {
    AddressPattern p = AddressPattern.parse(pattern);
    for (String address : addresses) {
      assertTrue(p.matches(address, identity), pattern + " should match " + address);
    }
  }

  private static void noMatch(String pattern, Identity identity, String... addresses) {
    AddressPattern p = AddressPattern.parse(pattern);
    for (String address : addresses) {
      assertFalse(p.matches(address, identity), pattern + " should not match " + address);
    }
  }

  @Test
  void literalsMatchExactly() {
    matches("public.news", ALICE, "public.news");
    noMatch("public.news", ALICE, "public.news2", "public.new", "public.news.x", "xpublic.news", "public", "Public.news");
  }

  @Test
  void starIsExactlyOnePart() {
    matches("status.*", ALICE, "status.a", "status.node-1:80");
    noMatch("status.*", ALICE, "status", "status.", "status.a.b", "statusx.a");
    matches("a.*.c", ALICE, "a.b.c");
    noMatch("a.*.c", ALICE, "a.c", "a.b.b.c");
  }

  @Test
  void doubleStarIsOneOrMoreTrailingParts() {
    matches("public.**", ALICE, "public.a", "public.a.b.c");
    noMatch("public.**", ALICE, "public", "public.", "publicx.a", "xpublic.a");
    matches("**", Identity.ANONYMOUS, "anything", "a.b.c");
    noMatch("**", Identity.ANONYMOUS, "");
  }

  @Test
  void subMatchesTheWholeUserIdAndNothingElse() {
    matches("user.{sub}", ALICE, "user.alice");
    noMatch("user.{sub}", ALICE, "user.alice2", "user.alic", "user.bob", "user.alice.x", "user.", "user.Alice", "user.xalice");
    noMatch("user.{sub}", Identity.ANONYMOUS, "user.alice", "user.", "user.null");
  }

  @Test
  void groupsMatchAnyOneGroupWhole() {
    matches("group.{groups}", ALICE, "group.ops");
    noMatch("group.{groups}", ALICE, "group.op", "group.opsx", "group.eu", "group.west", "group.ops.eu.west", "group.dev");
    noMatch("group.{groups}", DOTTED, "group.a");
  }

  /**
   * A claim's value stood for itself, so one with dots spanned several parts: under
   * {@code mail.{email}.**}, the user whose e-mail is {@code john@example.com} could read
   * {@code mail.john@example.com.au.inbox}, another user's. Every placeholder is one part, as
   * {@code {sub}} is: a claim's value escaped as a sub is, and a group as its address names it
   * ({@code group.<g>}; a group with a dot in its name has no address, and matches nothing).
   */
  @Test
  void aClaimIsOneAddressPartAsTheSubIs() {
    Identity john = new Identity("john", Set.of("eu.west", "x%41"), Set.of(), Long.MAX_VALUE,
        new JsonObject().put("email", "john@example.com").put("tenant", "acme|eu"));
    matches("mail.{email}.**", john, "mail.john@example%2Ecom.inbox");
    noMatch("mail.{email}.**", john, "mail.john@example.com.au.inbox", "mail.john@example.com.inbox");
    matches("tenant.{tenant}", john, "tenant.acme%7Ceu");
    noMatch("chat.{groups}.**", john, "chat.eu.west.x", "chat.eu%2Ewest.x");
    matches("group.{groups}", john, "group.x%41");
  }

  @Test
  void theSubIsOneAddressPartAsInTheUsersAddress() {
    matches("user.{sub}", DOTTED, "user.a%2Eb");
    noMatch("user.{sub}", DOTTED, "user.a.b", "user.a", "user.b", "user.a%2Eb.c", "user.aXb");
    matches("user.{sub}.**", DOTTED, "user.a%2Eb.inbox");
    noMatch("user.{sub}.**", DOTTED, "user.a.b.inbox");
    matches("user.{sub}", identity("auth0|42"), "user.auth0%7C42");
    matches("user.auth0%7C42", identity("auth0|42"), "user.auth0%7C42");
  }

  @Test
  void customClaimsPlainOrArray() {
    matches("tenant.{tenant}.*", ALICE, "tenant.acme.orders");
    noMatch("tenant.{tenant}.*", ALICE, "tenant.other.orders", "tenant.acme", "tenant.acmex.orders");
    matches("region.{regions}", ALICE, "region.north", "region.south");
    noMatch("region.{regions}", ALICE, "region.east");
    matches("level.{level}", ALICE, "level.3");
    noMatch("level.{nested}", ALICE, "level.{\"a\":\"b\"}", "level.b");
    noMatch("x.{missing}", ALICE, "x.", "x.null", "x.missing");
  }

  @Test
  void placeholdersCanShareAPartWithLiterals() {
    matches("chat.{groups}-room", ALICE, "chat.ops-room");
    noMatch("chat.{groups}-room", ALICE, "chat.ops", "chat.dev-room", "chat.ops-room2");
    matches("dm.{sub}.{groups}", ALICE, "dm.alice.ops");
    noMatch("dm.{sub}.{groups}", ALICE, "dm.ops.alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a..b", ".a", "a.", "**.a", "a.**.b", "a b", "a.{bad-name}", "a.{}", "a.*b", "a.b**", "a/b", "{sub"})
  void badPatternsAreRefusedNamingThePattern(String source) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressPattern.parse(source));
    assertFalse(e.getMessage().isEmpty());
    if (!source.isEmpty()) {
      assertTrue(e.getMessage().contains(source), e.getMessage());
    }
  }

  @Test
  void printsItsSource() {
    for (String source : List.of("user.{sub}", "public.**", "status.*")) {
      assertEquals(source, AddressPattern.parse(source).toString());
    }
  }
}
