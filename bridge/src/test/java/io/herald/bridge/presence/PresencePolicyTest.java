package io.herald.bridge.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PresencePolicyTest {

  @Test
  void tracksTheAddressesItsPatternsMatchAndNothingElse() {
    PresencePolicy policy = PresencePolicy.parse(" room.** , group.*,lobby ");
    assertTrue(policy.tracks("room.a"));
    assertTrue(policy.tracks("room.a.b"));
    assertTrue(policy.tracks("group.x"));
    assertTrue(policy.tracks("lobby"));
    assertFalse(policy.tracks("room"));
    assertFalse(policy.tracks("group.x.y"));
    assertFalse(policy.tracks("public.news"));
    assertFalse(policy.tracks("lobby.a"));
    assertEquals("room.**,group.*,lobby", policy.toString());
  }

  @Test
  void anEmptySpecTracksNothing() {
    assertTrue(PresencePolicy.parse("").isEmpty());
    assertTrue(PresencePolicy.parse(null).isEmpty());
    assertFalse(PresencePolicy.NONE.tracks("room.a"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"room.**=100/1h", "room.{sub}", "room.**.x", "room..a", "room.**,", "room a"})
  void refusesWhatIsNotAListOfPatterns(String spec) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PresencePolicy.parse(spec));
    assertFalse(e.getMessage().isBlank());
  }
}
