package io.herald.verticles.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.Http;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.verticles.config.RulesSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
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
    reloadLog.removeHandler(capture);
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

  @Test
  void aDeletedRulesFileIsLoggedAndTheRulesInForceStay(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.json");
    write(file, STATUS_RULES, 1);
    ReloadingRules rules = watched(file);
    Files.delete(file);
    awaitLog(line -> line.contains(file.toString()), "the missing rules file was never logged");
    assertTrue(rules.permits(Identity.ANONYMOUS, Operation.SUBSCRIBE, "status.api"), "the rules in force stay");
    // Back, it is read again.
    write(file, NEWS_RULES, 2);
    awaitPermitted(rules, "news.today");
  }

  @Test
  void aFileReadHalfWrittenIsReadAgainWhenItsLastWriteFallsInTheSameTick(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.json");
    write(file, STATUS_RULES, 1);
    ReloadingRules rules = watched(file);
    // A writer that has written half of the new file when the watcher looks...
    FileTime tick = FileTime.from(Instant.now().plusSeconds(2));
    Files.writeString(file, NEWS_RULES.substring(0, NEWS_RULES.length() / 2));
    Files.setLastModifiedTime(file, tick);
    awaitLog(line -> line.contains("not reloaded"), "the half-written file was never read");
    // ... and the rest within the same tick of the file system's clock.
    Files.writeString(file, NEWS_RULES);
    Files.setLastModifiedTime(file, tick);
    awaitPermitted(rules, "news.today");
  }

  private static final String STATUS_RULES = "{\"rules\":[{\"address\":\"status.*\",\"subscribe\":{\"anonymous\":true}}]}";
  private static final String NEWS_RULES = "{\"rules\":[{\"address\":\"news.*\",\"subscribe\":{\"anonymous\":true}}]}";
  private final List<String> logged = new CopyOnWriteArrayList<>();
  // Held, so the logger and its handler outlive the test's first garbage collection.
  private final java.util.logging.Logger reloadLog = java.util.logging.Logger.getLogger(ReloadingRules.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** The rules of the file, watched as a node watches them, with their log lines captured. */
  private ReloadingRules watched(Path file) {
    reloadLog.addHandler(capture);
    RulesSource source = new RulesSource(file, null);
    ReloadingRules rules = ReloadingRules.load(source);
    rules.watch(vertx);
    return rules;
  }

  private void awaitLog(Predicate<String> match, String never) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (logged.stream().noneMatch(match)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(never + "; logged: " + logged);
      }
      Thread.sleep(50);
    }
  }

  private void awaitPermitted(ReloadingRules rules, String address) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!rules.permits(Identity.ANONYMOUS, Operation.SUBSCRIBE, address)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(address + " was never permitted; logged: " + logged);
      }
      Thread.sleep(50);
    }
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
