package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Address rules read from JSON (docs/SECURITY.md): an operation on an address is permitted when
 * some rule grants it, and denied otherwise.
 *
 * <pre>{@code
 * {"rules": [
 *   {"address": "user.{sub}",     "subscribe": true},
 *   {"address": "group.{groups}", "subscribe": true},
 *   {"address": "public.**",      "subscribe": true},
 *   {"address": "**", "publish": {"claims": {"roles": "publisher"}}, "send": {"claims": {"roles": "publisher"}}}
 * ]}
 * }</pre>
 *
 * Parsing rejects unknown keys and wrong types with a message naming the rule and key, so a typo
 * cannot silently widen or narrow access.
 */
public final class RuleSet implements AddressRules {

  private static final Set<String> RULE_KEYS = Set.of("address", "subscribe", "publish", "send");
  private static final Set<String> GRANT_KEYS = Set.of("anonymous", "claims");

  private final List<Rule> rules;

  public RuleSet(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * Herald's defaults: {@code user.<sub>} for that user, {@code group.<g>} for members of g,
   * {@code public.**} for any authenticated client; publishing and sending anywhere need the
   * {@code publisher} role. Anonymous clients may do nothing.
   */
  public static RuleSet defaults() {
    Grant publisher = Grant.requiring("roles", "publisher");
    return new RuleSet(List.of(
        new Rule(AddressPattern.parse("user.{sub}"), Map.of(Operation.SUBSCRIBE, Grant.AUTHENTICATED)),
        new Rule(AddressPattern.parse("group.{groups}"), Map.of(Operation.SUBSCRIBE, Grant.AUTHENTICATED)),
        new Rule(AddressPattern.parse("public.**"), Map.of(Operation.SUBSCRIBE, Grant.AUTHENTICATED)),
        new Rule(AddressPattern.parse("ops.**"), Map.of(Operation.SUBSCRIBE, Grant.requiring("roles", "admin"))),
        new Rule(AddressPattern.parse("**"), Map.of(Operation.PUBLISH, publisher, Operation.SEND, publisher))));
  }

  /** @throws IllegalArgumentException naming the rule and key at fault */
  public static RuleSet fromJson(JsonObject json) {
    unknownKeys("the rules file", json, Set.of("rules"));
    Object list = json.getValue("rules");
    if (!(list instanceof JsonArray array)) {
      throw new IllegalArgumentException("the rules file needs a 'rules' array");
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "rule " + i;
      if (!(array.getValue(i) instanceof JsonObject rule)) {
        throw new IllegalArgumentException(where + ": must be an object");
      }
      unknownKeys(where, rule, RULE_KEYS);
      if (!(rule.getValue("address") instanceof String address)) {
        throw new IllegalArgumentException(where + ": 'address' must be a string pattern");
      }
      AddressPattern pattern;
      try {
        pattern = AddressPattern.parse(address);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      Map<Operation, Grant> grants = new EnumMap<>(Operation.class);
      for (Operation operation : Operation.values()) {
        String key = operation.name().toLowerCase(Locale.ROOT);
        Grant grant = grant(where + " '" + key + "'", rule.getValue(key));
        if (grant != null) {
          grants.put(operation, grant);
        }
      }
      if (grants.isEmpty()) {
        throw new IllegalArgumentException(where + ": grants nothing (give subscribe, publish or send)");
      }
      rules.add(new Rule(pattern, grants));
    }
    return new RuleSet(rules);
  }

  private static Grant grant(String where, Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return null;
    }
    if (Boolean.TRUE.equals(value)) {
      return Grant.AUTHENTICATED;
    }
    if (!(value instanceof JsonObject object)) {
      throw new IllegalArgumentException(where + ": must be true, false or an object with 'anonymous' or 'claims'");
    }
    unknownKeys(where, object, GRANT_KEYS);
    Object anonymous = object.getValue("anonymous", false);
    if (!(anonymous instanceof Boolean anyone)) {
      throw new IllegalArgumentException(where + ": 'anonymous' must be true or false");
    }
    Map<String, List<String>> claims = new LinkedHashMap<>();
    Object conditions = object.getValue("claims");
    if (conditions != null) {
      if (!(conditions instanceof JsonObject byClaim)) {
        throw new IllegalArgumentException(where + ": 'claims' must be an object of claim name to accepted value(s)");
      }
      for (String claim : byClaim.fieldNames()) {
        claims.put(claim, acceptedValues(where + " claim '" + claim + "'", byClaim.getValue(claim)));
      }
    }
    try {
      return new Grant(anyone, claims);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  private static List<String> acceptedValues(String where, Object value) {
    if (value instanceof String single) {
      return List.of(single);
    }
    if (value instanceof JsonArray many && !many.isEmpty() && many.stream().allMatch(String.class::isInstance)) {
      return many.stream().map(String.class::cast).toList();
    }
    throw new IllegalArgumentException(where + ": must be a string or a non-empty array of strings");
  }

  private static void unknownKeys(String where, JsonObject object, Set<String> known) {
    for (String key : object.fieldNames()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + known.stream().sorted().toList() + ")");
      }
    }
  }

  @Override
  public boolean permits(Identity identity, Operation operation, String address) {
    for (Rule rule : rules) {
      if (rule.permits(identity, operation, address)) {
        return true;
      }
    }
    return false;
  }

  public List<Rule> rules() {
    return rules;
  }
}
