package io.herald.verticles.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import io.herald.bridge.support.Http;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of the deployment files without a Docker engine or a Kubernetes cluster: the
 * manifests parse and hold what they must, their flags and environment are accepted by the node as
 * they are, the probes' paths answer on a running node, the Kubernetes cluster.xml keeps every map
 * of the shipped one, and the systemd unit and the Dockerfile start the jar they install.
 */
@Timeout(60)
class DeployFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void everyManifestParsesAndNamesItsKind() throws IOException {
    List<JsonNode> documents = manifests();
    Set<String> kinds = new TreeSet<>();
    for (JsonNode document : documents) {
      assertNotNull(document.get("apiVersion"), document::toString);
      assertNotNull(document.path("metadata").get("name"), document::toString);
      kinds.add(document.get("kind").asText());
    }
    assertEquals(new TreeSet<>(Set.of("Namespace", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget")), kinds);
    JsonNode hazelcast = documents.stream().filter(d -> d.path("spec").path("clusterIP").asText().equals("None")).findFirst().orElseThrow();
    assertTrue(hazelcast.path("spec").path("publishNotReadyAddresses").asBoolean(), "a starting node must find the cluster before it is ready");
  }

  @Test
  void theDeploymentsFlagsAndEnvironmentAreAcceptedByTheNode(@TempDir Path dir) throws IOException {
    JsonNode container = container();
    List<String> args = new ArrayList<>();
    container.get("args").forEach(a -> args.add(a.asText()));
    Map<String, String> env = new HashMap<>();
    for (JsonNode variable : container.get("env")) {
      // Values from the downward API and mounted files are stood in for by local ones.
      env.put(variable.get("name").asText(), variable.has("value") ? variable.get("value").asText() : "10.0.0.7");
    }
    env.putAll(serviceLinks());
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, "{\"keys\":[]}");
    env.put("HERALD_JWT_JWKS", jwks.toString());
    env.put("HERALD_CLUSTER_CONFIG", Files.writeString(dir.resolve("cluster.xml"), "<hazelcast/>").toString());
    HeraldConfig config = ConfigLoader.load(args.toArray(String[]::new), env);
    assertTrue(config.cluster());
    assertEquals("0.0.0.0", config.httpHost());
    assertEquals("10.0.0.7", config.advertisedHost());
    assertFalse(config.developmentMode());
    long grace = deployment().path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong();
    assertTrue(config.shutdownTimeout().getSeconds() < grace,
        "Kubernetes must not kill the pod before its drain ends: " + config.shutdownTimeout() + " vs " + grace + " s");
  }

  @Test
  void theProbesPathsAnswerOnARunningNode() {
    JsonNode container = container();
    List<String> paths = Stream.of("livenessProbe", "readinessProbe", "startupProbe")
        .map(probe -> container.path(probe).path("httpGet").path("path").asText()).toList();
    Vertx vertx = Vertx.vertx();
    try {
      NodeDeployment node = HeraldCluster.await(HeraldCluster.onLoop(vertx, () -> NodeDeployment.deploy(vertx, HeraldCluster.config())));
      HttpClient http = vertx.createHttpClient();
      for (String path : paths) {
        Http.Reply reply = Http.get(http, node.httpPort(), path);
        assertEquals(200, reply.status(), path + ": " + reply.body());
        assertEquals("UP", reply.json().getString("status"), path + ": " + reply.body());
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theKubernetesClusterConfigKeepsEveryMapOfTheShippedOne() throws IOException {
    JsonNode configMap = manifests().stream().filter(d -> d.get("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
    Config kubernetes = new InMemoryXmlConfig(configMap.path("data").path("cluster.xml").asText());
    Config shipped = new InMemoryXmlConfig(Files.readString(Path.of("..", "cluster.xml")));
    assertEquals(shipped.getMapConfigs().keySet(), kubernetes.getMapConfigs().keySet());
    assertEquals(shipped.getMultiMapConfigs().keySet(), kubernetes.getMultiMapConfigs().keySet());
    assertTrue(kubernetes.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled());
    assertEquals(shipped.getProperty("hazelcast.max.no.heartbeat.seconds"), kubernetes.getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void theSystemdUnitAndTheDockerfileRunTheJarTheyInstall(@TempDir Path dir) throws IOException {
    String unit = Files.readString(DEPLOY.resolve("systemd/herald.service"));
    String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    assertTrue(exec.contains("-jar /opt/herald/herald.jar"), exec);
    String[] flags = exec.substring(exec.indexOf("herald.jar") + "herald.jar".length()).trim().split("\\s+");
    // The installed files are stood in for by local ones.
    Path clusterXml = Files.writeString(dir.resolve("cluster.xml"), "<hazelcast/>");
    for (int i = 0; i < flags.length - 1; i++) {
      if (flags[i].equals("--cluster-config")) {
        flags[i + 1] = clusterXml.toString();
      }
    }
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(DEPLOY.resolve("systemd/herald.env"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, "{\"keys\":[]}");
    env.put("HERALD_JWT_JWKS", jwks.toString());
    env.put("HERALD_ADVERTISED_HOST", "10.0.0.11");
    assertTrue(ConfigLoader.load(flags, env).cluster());

    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertTrue(dockerfile.contains("COPY --from=build /src/verticles/target/herald.jar herald.jar"), "the image holds the built jar");
    assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/herald/herald.jar\"]"));
    assertTrue(dockerfile.lines().anyMatch(l -> l.startsWith("USER ") && !l.contains("root")), "the image runs as a user of its own");
  }

  @Test
  void theJvmFlagsTheSystemdUnitAndTheDockerfilePassAreOnesAJvmAccepts() throws Exception {
    String exec = Files.readString(DEPLOY.resolve("systemd/herald.service")).lines()
        .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> unitFlags = List.of(exec.substring(exec.indexOf("java ") + 5, exec.indexOf(" -jar ")).trim().split("\\s+"));
    String options = Files.readString(DEPLOY.resolve("Dockerfile")).lines().filter(l -> l.contains("JAVA_TOOL_OPTIONS=")).findFirst().orElseThrow();
    String quoted = options.substring(options.indexOf('"') + 1, options.lastIndexOf('"'));
    List<String> imageFlags = List.of(quoted.trim().split("\\s+"));
    // A JVM refuses to start on a flag it does not know; the native heap trim needs Java 17.0.9 or later.
    assertTrue(unitFlags.contains("-XX:TrimNativeHeapInterval=5000"), exec);
    assertTrue(imageFlags.contains("-XX:TrimNativeHeapInterval=5000"), options);
    for (List<String> flags : List.of(unitFlags, imageFlags)) {
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
      command.addAll(flags);
      command.add("-version");
      Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(java.getInputStream().readAllBytes());
      assertEquals(0, java.waitFor(), flags + ": " + output);
    }
  }

  /**
   * The variables the kubelet puts in a pod's environment for each Service of its namespace that has
   * a cluster IP (unless the pod spec sets {@code enableServiceLinks: false}): a Service named
   * {@code herald} gives {@code HERALD_SERVICE_HOST}, {@code HERALD_PORT} and the like.
   */
  private static Map<String, String> serviceLinks() throws IOException {
    Map<String, String> links = new HashMap<>();
    if (!deployment().path("spec").path("template").path("spec").path("enableServiceLinks").asBoolean(true)) {
      return links;
    }
    for (JsonNode service : manifests()) {
      if (!service.get("kind").asText().equals("Service") || service.path("spec").path("clusterIP").asText().equals("None")) {
        continue;
      }
      String name = service.path("metadata").path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_');
      String ip = "10.96.0.10";
      JsonNode ports = service.path("spec").path("ports");
      links.put(name + "_SERVICE_HOST", ip);
      links.put(name + "_SERVICE_PORT", ports.get(0).path("port").asText());
      links.put(name + "_PORT", "tcp://" + ip + ":" + ports.get(0).path("port").asText());
      for (JsonNode port : ports) {
        String number = port.path("port").asText();
        if (port.has("name")) {
          links.put(name + "_SERVICE_PORT_" + port.get("name").asText().toUpperCase(Locale.ROOT).replace('-', '_'), number);
        }
        String prefix = name + "_PORT_" + number + "_TCP";
        links.put(prefix, "tcp://" + ip + ":" + number);
        links.put(prefix + "_PROTO", "tcp");
        links.put(prefix + "_PORT", number);
        links.put(prefix + "_ADDR", ip);
      }
    }
    return links;
  }

  private static List<JsonNode> manifests() throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          docs.forEachRemaining(documents::add);
        }
      }
    }
    return documents;
  }

  private static JsonNode deployment() {
    try {
      return manifests().stream().filter(d -> d.get("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonNode container() {
    return deployment().path("spec").path("template").path("spec").path("containers").get(0);
  }
}
