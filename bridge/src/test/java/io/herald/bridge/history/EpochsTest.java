package io.herald.bridge.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochsTest {

  @Test
  void anEpochIsTenLettersOrDigitsThatAPositionReadsBack() {
    String epoch = Epochs.next();
    assertEquals(Epochs.LENGTH, epoch.length());
    assertTrue(epoch.chars().allMatch(Character::isLetterOrDigit), epoch);
    Position read = Position.parse(epoch + ".42");
    assertNotNull(read, epoch);
    assertEquals(new Position(epoch, 42), read);
  }

  @Test
  void epochsDoNotRepeatAndUseEveryPlace() {
    Set<String> seen = new HashSet<>();
    // Each of the ten places takes many values: none is left constant by the base conversion.
    @SuppressWarnings("unchecked")
    Set<Character>[] perPlace = new Set[Epochs.LENGTH];
    for (int i = 0; i < Epochs.LENGTH; i++) {
      perPlace[i] = new HashSet<>();
    }
    for (int n = 0; n < 10_000; n++) {
      String epoch = Epochs.next();
      assertTrue(seen.add(epoch), "repeated " + epoch);
      for (int i = 0; i < Epochs.LENGTH; i++) {
        perPlace[i].add(epoch.charAt(i));
      }
    }
    for (int i = 0; i < Epochs.LENGTH; i++) {
      assertTrue(perPlace[i].size() > 50, "place " + i + " took only " + perPlace[i].size() + " values");
    }
  }
}
