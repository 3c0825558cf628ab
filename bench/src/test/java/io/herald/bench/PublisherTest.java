package io.herald.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which socket of the many-address publisher carries which address. */
class PublisherTest {

  @Test
  void everyAddressGoesOverOneLaneOnlyAndEveryLaneTakesItsAddressesInTurn() {
    // W4's shape (10 000 users, 16 sockets) and one that does not divide evenly.
    for (int addresses : new int[] {10_000, 1_003}) {
      Map<Integer, Integer> laneOf = new HashMap<>();
      int[] published = new int[addresses];
      int lanes = Publisher.POOL;
      for (int lane = 0; lane < lanes; lane++) {
        int owned = 0;
        for (int a = lane; a < addresses; a += lanes) {
          owned++;
        }
        // Two rounds of the lane's own addresses.
        for (int turn = 0; turn < 2 * owned; turn++) {
          int a = Publisher.addressOf(addresses, lanes, lane, turn);
          Integer before = laneOf.putIfAbsent(a, lane);
          if (before != null) {
            assertEquals(before, lane, "address " + a + " on two lanes");
          }
          published[a]++;
        }
      }
      assertEquals(addresses, laneOf.size(), "every address has a lane");
      for (int a = 0; a < addresses; a++) {
        assertEquals(2, published[a], "address " + a + " published to once per round");
      }
    }
  }

  @Test
  void oneAddressIsOneLane() {
    assertEquals(0, Publisher.addressOf(1, 1, 0, 0));
    assertEquals(0, Publisher.addressOf(1, 1, 0, 7));
  }
}
