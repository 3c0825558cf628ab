package io.herald.verticles.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.bridge.support.Http;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The address rules file is read again when it changes: new subscriptions follow it, without a restart. */
@Timeout(60)
class RulesReloadTest {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aChangedRulesFileTakesEffectOnNewSubscriptionsAndABrokenOneIsIgnored(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.json");
    write(rules, "{\"rules\":[{\"address\":\"status.*\",\"subscribe\":{\"anonymous\":true}}]}", 1);
    NodeDeployment node = HeraldCluster.await(HeraldCluster.onLoop(vertx,
        () -> NodeDeployment.deploy(vertx, HeraldCluster.config("--rules", rules.toString()))));
    int port = node.httpPort();
    assertEquals(200, status(port, "status.api"));
    assertEquals(401, status(port, "news.today"), "no rule grants news.* to anyone yet");

    write(rules, "{\"rules\":[{\"address\":\"news.*\",\"subscribe\":{\"anonymous\":true}}]}", 2);
    awaitStatus(port, "news.today", 200);
    assertEquals(401, status(port, "status.api"), "the new file replaces the old rules");

    // A file that no longer parses is logged and ignored: the rules in force stay.
    write(rules, "{\"rules\":[{\"address\":\"news.*\",\"subscribe\":", 3);
    Thread.sleep(3 * ReloadingRules.CHECK_PERIOD_MS);
    assertEquals(200, status(port, "news.today"));
  }

  /** Writes and moves the modification time on, so each version is seen as a change whatever the clock's resolution. */
  private static void write(Path file, String text, int version) throws IOException {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(version)));
  }

  /** The status of an SSE request, read from its head: a 200 stream is then closed. */
  private int status(int port, String address) {
    return Http.await(HeraldCluster.onLoop(vertx, () -> http.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/sse?address=" + address)
        .compose(request -> request.send())
        .map(response -> {
          int status = response.statusCode();
          response.request().connection().close();
          return status;
        })));
  }

  private void awaitStatus(int port, String address, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (status(port, address) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(address + " never answered " + expected + " after the rules file changed");
      }
      Thread.sleep(200);
    }
  }
}
