package io.herald.bridge.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} must do; each implementation runs it through a small subclass. */
abstract class PresenceStoreContract {

  /** A store; the same one for the whole test method. */
  protected abstract PresenceStore store();

  /** Runs the store call where the implementation expects it (on an event loop). */
  protected abstract <T> Future<T> call(java.util.function.Supplier<Future<T>> action);

  private <T> T await(java.util.function.Supplier<Future<T>> action) {
    try {
      return call(action).await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private static String unique(String prefix) {
    return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
  }

  private static PresenceEntry entry(String address, String connection, String member, long since) {
    return new PresenceEntry(address, "u-" + connection, connection, "node1", member, "sse", since);
  }

  private List<String> connections(String address) {
    return await(() -> store().list(address)).stream().map(PresenceEntry::connection).toList();
  }

  @Test
  void listsAndCountsOneAddressOldestFirst() {
    String room = unique("room");
    String other = unique("room");
    await(() -> store().put(entry(room, "c2", "m1", 2000)));
    await(() -> store().put(entry(room, "c1", "m1", 1000)));
    await(() -> store().put(entry(other, "c3", "m1", 500)));
    assertEquals(List.of("c1", "c2"), connections(room));
    assertEquals(2L, await(() -> store().count(room)));
    assertEquals(1L, await(() -> store().count(other)));
    assertEquals(0L, await(() -> store().count(unique("room"))));
    assertEquals(List.of(), connections(unique("room")));
    assertEquals(entry(room, "c1", "m1", 1000), await(() -> store().list(room)).get(0), "every field comes back");
  }

  @Test
  void aConnectionIsPresentOncePerAddress() {
    String room = unique("room");
    await(() -> store().put(entry(room, "c1", "m1", 1000)));
    await(() -> store().put(entry(room, "c1", "m1", 3000)));
    assertEquals(1L, await(() -> store().count(room)));
    assertEquals(3000L, await(() -> store().list(room)).get(0).since());
  }

  @Test
  void removeReturnsTheEntryOnce() {
    String room = unique("room");
    await(() -> store().put(entry(room, "c1", "m1", 1000)));
    await(() -> store().put(entry(room, "c2", "m1", 1000)));
    assertEquals(entry(room, "c1", "m1", 1000), await(() -> store().remove(room, "c1")));
    assertNull(await(() -> store().remove(room, "c1")));
    assertNull(await(() -> store().remove(unique("room"), "c1")));
    assertEquals(List.of("c2"), connections(room));
  }

  @Test
  void removingAMembersEntriesReturnsEachOnceAndLeavesTheOthers() {
    String room = unique("room");
    String gone = UUID.randomUUID().toString();
    String alive = UUID.randomUUID().toString();
    await(() -> store().put(entry(room, "c1", gone, 1000)));
    await(() -> store().put(entry(room, "c2", alive, 1000)));
    await(() -> store().put(entry(unique("room"), "c3", gone, 1000)));
    List<PresenceEntry> removed = await(() -> store().removeMembers(List.of(gone)));
    assertEquals(List.of("c1", "c3"), removed.stream().map(PresenceEntry::connection).sorted().toList());
    assertEquals(List.of(), await(() -> store().removeMembers(List.of(gone))), "already removed");
    assertEquals(List.of("c2"), connections(room));
  }

  @Test
  void renamingAMemberMovesItsEntriesOnlySoItsDepartureFindsThem() {
    String room = unique("room");
    String before = UUID.randomUUID().toString();
    String now = UUID.randomUUID().toString();
    String other = UUID.randomUUID().toString();
    await(() -> store().put(entry(room, "c1", before, 1000)));
    await(() -> store().put(entry(room, "c2", other, 1000)));
    assertEquals(1, await(() -> store().renameMember(before, now)));
    assertEquals(entry(room, "c1", now, 1000), await(() -> store().list(room)).get(0), "only the member changes");
    assertEquals(List.of(), await(() -> store().removeMembers(List.of(before))));
    assertEquals(List.of("c1"), await(() -> store().removeMembers(List.of(now))).stream().map(PresenceEntry::connection).toList());
    assertEquals(List.of("c2"), connections(room));
  }
}
