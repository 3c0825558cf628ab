package io.herald.bridge.target;

import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The one place for what a target is on the wire. Every target is named by an address, which is
 * what the rules check and what clients see on the event:
 *
 * <ul>
 *   <li>{@code user.<sub>}: every connection of that user, on any node and transport (each
 *       authenticated connection is subscribed to its user's address). The sub is written as one
 *       address part ({@link AddressSyntax#part}): {@code auth0|42} is {@code user.auth0%7C42};
 *       a sub of letters, digits and {@code _ - : @} is itself;
 *   <li>{@code group.<g>}: every connection joined to server-managed group {@code g}, and every one
 *       that subscribed to the address itself;
 *   <li>{@code connection.<id>}: that one connection, routed to the node that holds it;
 *   <li>{@code everyone}: every connection of the cluster;
 *   <li>any other address: its subscribers.
 * </ul>
 *
 * <p>Users and groups are plain addresses, so they keep history and resume like any other;
 * {@code connection.<id>} and {@code everyone} are not bus addresses (one registration per browser
 * connection is what this avoids) and keep no history.
 */
public final class Targets {

  public static final String USER_PREFIX = AddressSyntax.USER_PREFIX;
  public static final String GROUP_PREFIX = "group.";
  public static final String CONNECTION_PREFIX = "connection.";
  public static final String EVERYONE = "everyone";

  /** The keys that name a target in an HTTP publish. */
  private static final List<String> KEYS = List.of("address", "user", "group", "connection", "everyone");

  private Targets() {}

  /**
   * The address of a user: every path that turns a {@code sub} into an address comes here (the
   * user channel, HTTP and Java targets, the rules' {@code {sub}}), so they all agree on it.
   */
  public static String user(String subject) {
    return USER_PREFIX + AddressSyntax.part(subject);
  }

  public static String group(String group) {
    return GROUP_PREFIX + checkedGroup(group);
  }

  public static String connection(String connectionId) {
    return CONNECTION_PREFIX + connectionId;
  }

  public static boolean isConnection(String address) {
    return address.startsWith(CONNECTION_PREFIX);
  }

  /** The connection id of a {@code connection.<id>} address. */
  public static String connectionId(String address) {
    return address.substring(CONNECTION_PREFIX.length());
  }

  public static boolean isEveryone(String address) {
    return EVERYONE.equals(address);
  }

  /**
   * Whether the address is a target Herald delivers to every connection it names: a user, a group,
   * a connection or everyone. Only a publish reaches those; a send is point-to-point (one consumer,
   * so one node's subscribers) and would miss the rest.
   */
  public static boolean isTarget(String address) {
    return address.startsWith(USER_PREFIX) || address.startsWith(GROUP_PREFIX) || isConnection(address) || isEveryone(address);
  }

  /** @throws HeraldException {@code bad-address} when a send names a {@linkplain #isTarget target} */
  public static void requireSendable(String address) {
    if (isTarget(address)) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS,
          address + " is a target: publish to it (a send goes to one consumer, so to one node's subscribers only)");
    }
  }

  /**
   * The address an HTTP publish names: exactly one of {@code address}, {@code user}, {@code group},
   * {@code connection} or {@code "everyone": true}. What it names is checked as an address next.
   *
   * @throws HeraldException {@code bad-address} when there is not exactly one
   */
  public static Object addressOf(JsonObject item) {
    Object found = null;
    int named = 0;
    for (String key : KEYS) {
      Object value = item.getValue(key);
      if (value == null) {
        continue;
      }
      named++;
      found = switch (key) {
        case "user" -> value instanceof String user ? user(user) : value;
        case "group" -> group(value instanceof String name ? name : null);
        case "connection" -> value instanceof String id ? connection(id) : value;
        case "everyone" -> {
          if (!Boolean.TRUE.equals(value)) {
            throw new HeraldException(ErrorCode.BAD_ADDRESS, "everyone takes true");
          }
          yield EVERYONE;
        }
        default -> value;
      };
    }
    if (named > 1) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, "name one target: address, user, group, connection or everyone");
    }
    if (named == 1 && !(found instanceof String)) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, "a target is a string (everyone: true)");
    }
    return found;
  }

  /**
   * A group name is one address part, so {@code group.{groups}} in the rules matches it whole.
   *
   * @throws HeraldException {@code bad-address} naming the problem
   */
  public static String checkedGroup(Object group) {
    if (!(group instanceof String name) || !AddressSyntax.isPart(name) || AddressSyntax.problem(GROUP_PREFIX + name) != null) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, "a group is one address part: letters, digits and _ - : @");
    }
    return name;
  }
}
