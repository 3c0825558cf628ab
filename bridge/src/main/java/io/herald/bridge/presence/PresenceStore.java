package io.herald.bridge.presence;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * Where presence is kept: one entry per connection per address. Shared by every verticle instance
 * of a node; thread-safe. Implementations: {@link LocalPresenceStore} for a standalone node,
 * {@code HazelcastPresenceStore} for a cluster.
 */
public interface PresenceStore {

  /** Records the entry, replacing one with the same key. */
  Future<Void> put(PresenceEntry entry);

  /** @return the entry removed, or {@code null} if there was none */
  Future<PresenceEntry> remove(String address, String connection);

  /** Every entry of the address, oldest first. */
  Future<List<PresenceEntry>> list(String address);

  /** How many entries the address has, without listing them. */
  Future<Long> count(String address);

  /**
   * Removes every entry of connections held by these cluster members (gone without saying goodbye).
   * An entry is returned by exactly one remover, however many run at once.
   *
   * @return the entries removed
   */
  Future<List<PresenceEntry>> removeMembers(Collection<String> members);

  /**
   * Gives the entries of one cluster member the member's new identity: a member that merges back
   * after a split-brain comes back under a new UUID, and a later sweep of its departure looks for
   * that one.
   *
   * @return how many entries moved
   */
  Future<Integer> renameMember(String from, String to);
}
