package io.herald.bridge;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.herald.bridge.history.HistoryPolicy;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Vert.x instance runs Herald with one history policy: installing it again with another is refused. */
@ExtendWith(VertxExtension.class)
class HeraldNodeInstallTest {

  /** Ages under a second were compared as "0s": 500 ms and 900 ms were taken for the same policy. */
  @Test
  void anotherAgeUnderASecondIsAnotherPolicy(Vertx vertx) {
    HeraldNode node = HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/500ms"));
    assertSame(node, HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/500ms")));
    assertThrows(IllegalStateException.class, () -> HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/900ms")));
    assertThrows(IllegalStateException.class, () -> HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/1500ms")));
  }

  @Test
  void theSameAgeWrittenInAnotherUnitIsTheSamePolicy(Vertx vertx) {
    HeraldNode node = HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/1h"));
    assertSame(node, HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/60m")));
    assertSame(node, HeraldNode.install(vertx, HistoryPolicy.parse("user.**=10/3600000ms")));
  }
}
