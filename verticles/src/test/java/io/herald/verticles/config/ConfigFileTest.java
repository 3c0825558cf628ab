package io.herald.verticles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config}: one JSON or YAML file, overridden by the environment and flags, strict about its keys. */
class ConfigFileTest {

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aYamlFileSetsLimitsHistoryAndInlineRules() throws IOException {
    Path file = write("herald.yaml", """
        http-port: 9090
        queue-size: 64
        heartbeat-interval: 5s
        transports: [websocket, sse]
        history:
          "orders.**": 50/10m
        rules:
          - {address: "orders.{sub}", subscribe: true}
        """);
    HeraldConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());
    assertEquals(9090, config.httpPort());
    assertEquals(64, config.bridge().getQueueSize());
    assertEquals(Duration.ofSeconds(5), config.bridge().getHeartbeatInterval());
    assertEquals(Set.of("websocket", "sse"), config.bridge().getTransports());
    assertTrue(config.history().retentionFor("orders.alice") != null);
    assertEquals(null, config.history().retentionFor("user.alice"), "the file's history replaces the default");
    var rules = config.rules().load();
    Identity alice = new Identity("alice", Set.of(), Set.of(), Long.MAX_VALUE, new JsonObject());
    assertTrue(rules.permits(alice, Operation.SUBSCRIBE, "orders.alice"));
    assertFalse(rules.permits(alice, Operation.SUBSCRIBE, "orders.bob"));
  }

  @Test
  void theOperationsGuidesExampleFileStartsANodeAsItSays() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "OPERATIONS.md"));
    int start = guide.indexOf("# herald.yaml\n");
    String example = guide.substring(start, guide.indexOf("```", start));
    Path file = write("herald.yaml", example);
    HeraldConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());
    assertEquals("0.0.0.0", config.httpHost());
    assertTrue(config.cluster());
    assertEquals(2048, config.bridge().getQueueSize());
    assertTrue(config.history().retentionFor("orders.o-17") != null);
    var rules = config.rules().load();
    Identity admin = new Identity("ann", Set.of(), Set.of("admin"), Long.MAX_VALUE, new JsonObject());
    assertTrue(rules.permits(admin, Operation.SUBSCRIBE, "ops.nodes"));
  }

  @Test
  void theSecurityGuidesExampleRulesFileLoads() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "SECURITY.md"));
    int start = guide.indexOf("{\n  \"rules\": [", guide.indexOf("### The rules file"));
    Path file = write("rules.json", guide.substring(start, guide.indexOf("```", start)));
    var rules = ConfigLoader.load(new String[] {"--rules", file.toString()}, Map.of()).rules().load();
    Identity alice = new Identity("alice", Set.of("team1"), Set.of(), Long.MAX_VALUE, new JsonObject());
    assertTrue(rules.permits(Identity.ANONYMOUS, Operation.SUBSCRIBE, "status.eu"));
    assertTrue(rules.permits(alice, Operation.PUBLISH, "chat.team1.lobby"));
    assertFalse(rules.permits(alice, Operation.PUBLISH, "chat.team2.lobby"));
  }

  @Test
  void aValueBelowTheBridgesLimitNamesTheFileAndKey() throws IOException {
    Path file = write("herald.yaml", "max-frame-size: 100\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()));
    assertEquals("config file " + file + ", key 'max-frame-size': expected a size of at least 256 bytes, got '100'", e.getMessage());
  }

  @Test
  void theEnvironmentAndFlagsOverrideTheFile() throws IOException {
    Path file = write("herald.json", "{\"http-port\": 9090, \"queue-size\": 64, \"max-subscriptions\": 8}");
    HeraldConfig config = ConfigLoader.load(new String[] {"--config", file.toString(), "--http-port", "9191"},
        Map.of("HERALD_QUEUE_SIZE", "128"));
    assertEquals(9191, config.httpPort());
    assertEquals(128, config.bridge().getQueueSize());
    assertEquals(8, config.bridge().getMaxSubscriptions());
    // The file may also be named by the environment.
    assertEquals(9090, ConfigLoader.load(new String[0], Map.of("HERALD_CONFIG", file.toString())).httpPort());
  }

  @Test
  void anUnknownKeyFailsTheStartNamingIt() throws IOException {
    Path file = write("herald.yaml", "http-port: 9090\nqueue-sise: 64\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()));
    assertTrue(e.getMessage().contains("unknown key 'queue-sise'"), e.getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aWrongTypeFailsTheStartNamingTheKey() throws IOException {
    Path object = write("object.yaml", "http-port:\n  value: 1\n");
    ConfigException shape = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config", object.toString()}, Map.of()));
    assertTrue(shape.getMessage().contains("key 'http-port'") && shape.getMessage().contains("got an object"), shape.getMessage());
    Path bool = write("bool.json", "{\"queue-size\": true}");
    ConfigException value = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config", bool.toString()}, Map.of()));
    assertTrue(value.getMessage().contains("key 'queue-size'") && value.getMessage().contains("expected a whole number"), value.getMessage());
    Path broken = write("broken.json", "{\"http-port\": ");
    ConfigException parse = assertThrows(ConfigException.class, () -> ConfigLoader.load(new String[] {"--config", broken.toString()}, Map.of()));
    assertTrue(parse.getMessage().contains("not valid JSON"), parse.getMessage());
  }

  @Test
  void printConfigShowsEveryValueAndWhereItCameFromWithSecretsMasked() throws IOException {
    String secret = "a-secret-of-at-least-thirty-two-bytes!";
    Path file = write("herald.yaml", "http-port: 9090\njwt-secret: \"" + secret + "\"\n");
    JsonObject printed = ConfigLoader.effective(new String[] {"--config", file.toString(), "--queue-size", "7"}, Map.of());
    assertEquals("9090", printed.getJsonObject("http-port").getString("value"));
    assertTrue(printed.getJsonObject("http-port").getString("from").contains("key 'http-port'"));
    assertEquals("7", printed.getJsonObject("queue-size").getString("value"));
    assertEquals("--queue-size", printed.getJsonObject("queue-size").getString("from"));
    assertEquals("default", printed.getJsonObject("max-subscriptions").getString("from"));
    assertEquals("****", printed.getJsonObject("jwt-secret").getString("value"));
    assertFalse(printed.encode().contains(secret), printed.encode());
  }
}
