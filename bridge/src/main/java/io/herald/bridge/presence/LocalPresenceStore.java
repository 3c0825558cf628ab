package io.herald.bridge.presence;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Presence in the process's memory, for a standalone node: shared by its verticle instances, gone with the process. */
public final class LocalPresenceStore implements PresenceStore {

  private final Map<String, Map<String, PresenceEntry>> byAddress = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(PresenceEntry entry) {
    // compute, here and in remove, so a put never lands in a map that a remove has just dropped
    byAddress.compute(entry.address(), (a, entries) -> {
      Map<String, PresenceEntry> into = entries != null ? entries : new ConcurrentHashMap<>();
      into.put(entry.connection(), entry);
      return into;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<PresenceEntry> remove(String address, String connection) {
    PresenceEntry[] removed = new PresenceEntry[1];
    byAddress.computeIfPresent(address, (a, entries) -> {
      removed[0] = entries.remove(connection);
      return entries.isEmpty() ? null : entries;
    });
    return Future.succeededFuture(removed[0]);
  }

  @Override
  public Future<List<PresenceEntry>> list(String address) {
    Map<String, PresenceEntry> entries = byAddress.get(address);
    List<PresenceEntry> out = entries == null ? new ArrayList<>() : new ArrayList<>(entries.values());
    out.sort(Comparator.comparingLong(PresenceEntry::since).thenComparing(PresenceEntry::connection));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Long> count(String address) {
    Map<String, PresenceEntry> entries = byAddress.get(address);
    return Future.succeededFuture(entries == null ? 0L : entries.size());
  }

  @Override
  public Future<List<PresenceEntry>> removeMembers(Collection<String> members) {
    List<PresenceEntry> removed = new ArrayList<>();
    for (String address : List.copyOf(byAddress.keySet())) {
      byAddress.computeIfPresent(address, (a, entries) -> {
        entries.values().removeIf(entry -> {
          boolean gone = entry.member() != null && members.contains(entry.member());
          if (gone) {
            removed.add(entry);
          }
          return gone;
        });
        return entries.isEmpty() ? null : entries;
      });
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public Future<Integer> renameMember(String from, String to) {
    int[] moved = new int[1];
    for (String address : List.copyOf(byAddress.keySet())) {
      byAddress.computeIfPresent(address, (a, entries) -> {
        entries.replaceAll((connection, entry) -> {
          if (!from.equals(entry.member())) {
            return entry;
          }
          moved[0]++;
          return new PresenceEntry(entry.address(), entry.user(), entry.connection(), entry.node(), to, entry.transport(), entry.since());
        });
        return entries;
      });
    }
    return Future.succeededFuture(moved[0]);
  }
}
