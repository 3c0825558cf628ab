package io.herald.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BridgeOptionsTest {

  @Test
  void nodeAddressIsOffByDefaultAndCopied() {
    assertNull(new BridgeOptions().getNodeAddress());
    BridgeOptions options = new BridgeOptions().setNodeAddress("10.0.0.7:8080");
    assertEquals("10.0.0.7:8080", new BridgeOptions(options).getNodeAddress());
    assertEquals("[::1]:8081", new BridgeOptions().setNodeAddress("[::1]:8081").getNodeAddress());
    assertNull(options.setNodeAddress(null).getNodeAddress());
  }

  @Test
  void nodeAddressNeedsHostAndPort() {
    for (String bad : new String[] {"10.0.0.7", "10.0.0.7:", ":8080", "10.0.0.7:0", "10.0.0.7:70000", "http://10.0.0.7:8080", ""}) {
      assertThrows(IllegalArgumentException.class, () -> new BridgeOptions().setNodeAddress(bad), bad);
    }
  }
}
