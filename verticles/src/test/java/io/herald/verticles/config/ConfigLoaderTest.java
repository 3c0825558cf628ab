package io.herald.verticles.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static HeraldConfig load(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env);
  }

  @Test
  void defaultsMatchTheDocumentedOnes() {
    HeraldConfig config = load(Map.of());
    assertEquals("127.0.0.1", config.httpHost());
    assertEquals(8080, config.httpPort());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.httpInstances());
    assertEquals(64 * 1024, config.bridge().getMaxFrameSize());
    assertEquals(1024 * 1024, config.bridge().getMaxBodySize());
    assertEquals(1024, config.bridge().getQueueSize());
    assertEquals(Duration.ofSeconds(15), config.bridge().getHeartbeatInterval());
    assertTrue(config.developmentMode());
    assertTrue(config.rules().isDefault());
    assertTrue(config.accessLog());
    assertTrue(config.ticker());
    assertFalse(config.cluster());
    assertEquals(Duration.ofSeconds(10), config.shutdownTimeout());
    assertEquals(Duration.ofSeconds(5), config.drainGrace());
    assertTrue(config.presence().isEmpty(), "presence is opt-in");
  }

  @Test
  void presenceTakesAddressPatterns() {
    assertEquals("room.**,group.**", load(Map.of("HERALD_PRESENCE", "room.**, group.**")).presence().toString());
    assertTrue(load(Map.of(), "--presence", "lobby").presence().tracks("lobby"));
    assertMessage("--presence: presence pattern 'room.**=10/1h' takes no size", Map.of(), "--presence", "room.**=10/1h");
  }

  @Test
  void environmentOverridesDefaultsAndFlagsOverrideEnvironment() {
    Map<String, String> env = Map.of("HERALD_HTTP_PORT", "9000", "HERALD_HTTP_HOST", "0.0.0.0", "PATH", "/bin");
    assertEquals(9000, load(env).httpPort());
    assertEquals("0.0.0.0", load(env).httpHost());
    assertEquals(9001, load(env, "--http-port", "9001").httpPort());
    assertEquals(9002, load(env, "--http-port=9002").httpPort());
  }

  @Test
  void readsUnitsAndSwitches() {
    HeraldConfig config = load(Map.of("HERALD_MAX_BODY_SIZE", "2MiB"),
        "--heartbeat-interval", "500ms", "--idle-timeout", "2m", "--max-frame-size", "1000",
        "--cluster", "--ticker", "false", "--jwt-audience", "herald, other", "--jwt-issuer", "https://id.example/",
        "--jwt-public-keys", "a.pem,b.pem", "--rules", "rules.json");
    assertEquals(2 * 1024 * 1024, config.bridge().getMaxBodySize());
    assertEquals(Duration.ofMillis(500), config.bridge().getHeartbeatInterval());
    assertEquals(Duration.ofMinutes(2), config.bridge().getIdleTimeout());
    assertEquals(1000, config.bridge().getMaxFrameSize());
    assertTrue(config.cluster());
    assertFalse(config.ticker());
    assertEquals(List.of("herald", "other"), config.jwt().audience());
    assertEquals("https://id.example/", config.jwt().issuer());
    assertEquals(List.of(Path.of("a.pem"), Path.of("b.pem")), config.jwt().publicKeys());
    assertEquals(Path.of("rules.json"), config.rules().file());
    assertFalse(config.developmentMode());
  }

  @Test
  void mistakesNameTheSetting() {
    assertMessage("unknown option --http-prot", Map.of(), "--http-prot", "1");
    assertMessage("unknown environment variable HERALD_HTTP_PROT (known: ", Map.of("HERALD_HTTP_PROT", "1"));
    assertMessage("unknown environment variable HERALD_SERVICE_HOST, as Kubernetes sets for a Service named herald"
        + " (set enableServiceLinks: false in the pod spec)", Map.of("HERALD_SERVICE_HOST", "10.96.0.10"));
    assertMessage("HERALD_PORT_80_TCP_ADDR, as Kubernetes sets", Map.of("HERALD_PORT_80_TCP_ADDR", "10.96.0.10"));
    // A bad value is reported where it was written: the flag, or the environment variable.
    assertMessage("--http-port: expected a whole number from 0 to 65535, got '70000'", Map.of(), "--http-port", "70000");
    assertMessage("HERALD_HTTP_PORT: expected a whole number", Map.of("HERALD_HTTP_PORT", "eighty"));
    assertMessage("--heartbeat-interval: expected a duration", Map.of(), "--heartbeat-interval", "15");
    assertMessage("--max-body-size: expected a size", Map.of(), "--max-body-size", "big");
    assertMessage("--queue-size", Map.of(), "--queue-size", "0");
    assertMessage("HERALD_TICKER: expected true or false", Map.of("HERALD_TICKER", "yes"));
    assertMessage("--jwt-leeway", Map.of(), "--jwt-leeway", "soon");
    assertMessage("--jwt-leeway: expected whole seconds from 0s to 24h, got '1500ms'", Map.of(), "--jwt-leeway", "1500ms");
    assertMessage("--jwt-leeway: expected whole seconds from 0s to 24h, got '25h'", Map.of(), "--jwt-leeway", "25h");
    assertMessage("--http-port needs a value", Map.of(), "--http-port");
    assertMessage("unexpected argument 'serve'", Map.of(), "serve");
    assertMessage("--idle-timeout: expected a duration above zero, got '0s'", Map.of(), "--idle-timeout", "0s");
    assertMessage("--shutdown-timeout: expected a duration above zero", Map.of(), "--shutdown-timeout", "0s");
    assertMessage("--http-instances", Map.of(), "--http-instances", "0");
    // Durations too long for the milliseconds they are used in.
    assertMessage("--idle-timeout: expected a duration", Map.of(), "--idle-timeout", "9999999999999999h");
    assertMessage("--history", Map.of(), "--history", "user.**=10/9999999999999999d");
    assertMessage("--history", Map.of(), "--history", "user.**=10/10000000000000h");
  }

  /** The limits the bridge holds its options to are reported like any other bad value, not by its field names. */
  @Test
  void valuesBelowTheBridgesLimitsNameTheSettingWhereTheyWereWritten() {
    assertMessage("HERALD_HEARTBEAT_INTERVAL: expected a duration above zero, got '0s'", Map.of("HERALD_HEARTBEAT_INTERVAL", "0s"));
    assertMessage("--reply-timeout: expected a duration above zero, got '0ms'", Map.of(), "--reply-timeout", "0ms");
    assertMessage("--max-frame-size: expected a size of at least 256 bytes, got '100'", Map.of(), "--max-frame-size", "100");
    assertMessage("HERALD_MAX_BODY_SIZE: expected a size of at least 256 bytes, got '0'", Map.of("HERALD_MAX_BODY_SIZE", "0"));
    assertMessage("--transports: expected some of websocket, sse and sockjs, comma-separated, got 'websocket,smoke'",
        Map.of(), "--transports", "websocket,smoke");
    assertMessage("HERALD_TRANSPORTS: expected some of websocket, sse and sockjs", Map.of("HERALD_TRANSPORTS", " , "));
  }

  @Test
  void aShortShutdownTimeoutShortensTheDrainGrace() {
    HeraldConfig config = load(Map.of("HERALD_SHUTDOWN_TIMEOUT", "3s"));
    assertEquals(Duration.ofSeconds(3), config.shutdownTimeout());
    assertEquals(Duration.ofMillis(1500), config.drainGrace());
  }

  @Test
  void aClusteredNodeAdvertisesItsHttpHostOrTheAdvertisedOne() {
    assertEquals(null, load(Map.of()).nodeAddress(8080), "a single node forwards nothing");
    assertEquals("127.0.0.1:8080", load(Map.of(), "--cluster").nodeAddress(8080));
    assertEquals("10.0.0.7:8081", load(Map.of(), "--cluster", "--http-host", "10.0.0.7").nodeAddress(8081));
    HeraldConfig advertised = load(Map.of("HERALD_ADVERTISED_HOST", "herald-2.internal"), "--cluster", "--http-host", "0.0.0.0");
    assertEquals("herald-2.internal:8080", advertised.nodeAddress(8080));
    assertEquals("[fd00::7]:8080", load(Map.of(), "--cluster", "--advertised-host", "fd00::7").nodeAddress(8080));
  }

  @Test
  void aClusteredNodeOnEveryInterfaceMustSayWhereItIsReached() {
    assertMessage("--advertised-host / HERALD_ADVERTISED_HOST: a host the other nodes can reach", Map.of(),
        "--cluster", "--http-host", "0.0.0.0");
    for (String bad : new String[] {"herald-2:8080", "http://herald-2", "herald 2", "[herald-2]"}) {
      assertMessage("--advertised-host: expected a host name or address, without a port", Map.of(),
          "--cluster", "--advertised-host", bad);
    }
    assertEquals("[fd00::7]:8080", load(Map.of(), "--cluster", "--advertised-host", "[fd00::7]").nodeAddress(8080));
    assertEquals(null, load(Map.of(), "--http-host", "0.0.0.0").nodeAddress(8080));
  }

  @Test
  void aShortSecretIsRefusedWithoutEchoingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("HERALD_JWT_SECRET", "hunter2-is-short")));
    assertTrue(e.getMessage().contains("at least 32 bytes"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    String secret = "s".repeat(32);
    HeraldConfig config = load(Map.of("HERALD_JWT_SECRET", secret));
    assertFalse(config.developmentMode());
    assertFalse(config.toString().contains(secret), "the configuration's text must mask the secret");
  }

  /**
   * A Kubernetes Secret made from a file that ends in a newline hands the newline on: with it the
   * key verifies no token signed with the secret itself, and nothing would say why.
   */
  @Test
  void aSecretWithSurroundingWhitespaceIsRefusedNamingTheSettingWithoutEchoingIt() {
    String secret = "k8s-secret-from-a-file-0123456789abcdef";
    for (String padded : List.of(secret + "\n", secret + "\r\n", " " + secret, secret + "\t")) {
      ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("HERALD_JWT_SECRET", padded)));
      assertTrue(e.getMessage().contains("HERALD_JWT_SECRET") && e.getMessage().contains("whitespace"), e.getMessage());
      assertFalse(e.getMessage().contains("k8s-secret"), e.getMessage());
    }
    ConfigException flag = assertThrows(ConfigException.class, () -> load(Map.of(), "--jwt-secret", secret + "\n"));
    assertTrue(flag.getMessage().contains("--jwt-secret"), flag.getMessage());
    assertFalse(load(Map.of("HERALD_JWT_SECRET", secret)).developmentMode());
  }

  @Test
  void usageListsEverySetting() {
    String usage = ConfigLoader.usage();
    for (Setting setting : Setting.values()) {
      assertTrue(usage.contains(setting.flag()) && usage.contains(setting.env()), setting.name());
    }
  }

  /**
   * Only the default cluster.xml falls back to the jar's copy when absent: a Hazelcast file named on
   * purpose that is not there (a mistyped mount path) would otherwise start the node on the jar's
   * loopback discovery, a cluster of its own beside the one it was meant to join.
   */
  @Test
  void aClusterConfigNamedOnPurposeMustExist(@TempDir Path dir) throws IOException {
    assertMessage("HERALD_CLUSTER_CONFIG: expected a Hazelcast configuration file, got '/etc/herald/no-such/cluster.xml'",
        Map.of("HERALD_CLUSTER_CONFIG", "/etc/herald/no-such/cluster.xml"), "--cluster");
    Path file = Files.writeString(dir.resolve("hazelcast.xml"), "<hazelcast/>");
    assertEquals(file.toString(), load(Map.of(), "--cluster", "--cluster-config", file.toString()).clusterConfig());
    assertEquals("cluster.xml", load(Map.of(), "--cluster").clusterConfig(), "the default falls back to the jar's copy");
    assertFalse(load(Map.of("HERALD_CLUSTER_CONFIG", "/no/such.xml")).cluster(), "a standalone node reads no cluster file");
  }

  private static void assertMessage(String expected, Map<String, String> env, String... args) {
    ConfigException e = assertThrows(ConfigException.class, () -> load(env, args));
    assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
  }

  @Test
  void theReadmesSettingsTableListsEverySetting() throws IOException {
    // The README says --help prints its table: every setting, its flag and its variable, is a row.
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> missing = java.util.Arrays.stream(Setting.values())
        .filter(setting -> !readme.contains("| `" + setting.flag() + "` | `" + setting.env() + "` |"))
        .map(Setting::flag)
        .toList();
    assertEquals(List.of(), missing, "settings missing from the README's configuration table");
  }
}
