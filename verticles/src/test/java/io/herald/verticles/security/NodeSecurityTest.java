package io.herald.verticles.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.config.ConfigException;
import io.herald.verticles.config.ConfigLoader;
import io.herald.verticles.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How a node chooses between development mode and configured keys, and loads its rules. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class NodeSecurityTest {

  private static final String SECRET = "a-test-secret-that-is-32-bytes-long!";

  private static HeraldConfig config(Map<String, String> env, String... args) {
    return ConfigLoader.load(args, env);
  }

  @Test
  void developmentModeSignsTokensThatItsOwnAuthenticatorAccepts(Vertx vertx, VertxTestContext ctx) {
    NodeSecurity security = NodeSecurity.load(vertx, config(Map.of()));
    assertNotNull(security.devSigner());
    String token = security.devSigner().generateToken(new JsonObject().put("sub", "alice").put("groups", new io.vertx.core.json.JsonArray().add("ops")));
    security.authenticator().authenticate(token).onComplete(ctx.succeeding(identity -> ctx.verify(() -> {
      assertEquals("alice", identity.subject());
      assertEquals(Set.of("ops"), identity.groups());
      assertTrue(security.rules().permits(identity, Operation.SUBSCRIBE, "group.ops"));
      ctx.completeNow();
    })));
  }

  @Test
  void developmentModeRefusesToServeOtherInterfaces(Vertx vertx) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> NodeSecurity.load(vertx, config(Map.of("HERALD_HTTP_HOST", "0.0.0.0"))));
    assertTrue(e.getMessage().contains("binds to loopback only"), e.getMessage());
    // With a key configured, any interface is allowed.
    assertNull(NodeSecurity.load(vertx, config(Map.of("HERALD_HTTP_HOST", "0.0.0.0", "HERALD_JWT_SECRET", SECRET))).devSigner());
  }

  @Test
  void withAKeyConfiguredDevTokenDoesNotExist(Vertx vertx, VertxTestContext ctx) {
    HeraldConfig config = config(Map.of("HERALD_JWT_SECRET", SECRET), "--http-port", "0", "--access-log", "false");
    HttpClient client = vertx.createHttpClient();
    NodeDeployment.deploy(vertx, config)
        .compose(node -> client.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", "/dev/token?sub=alice"))
        .compose(r -> r.send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(404, r.statusCode());
          ctx.completeNow();
        })));
  }

  @Test
  void aRulesFileReplacesTheDefaults(Vertx vertx, @TempDir Path dir) throws Exception {
    Path rules = Files.writeString(dir.resolve("rules.json"),
        "{\"rules\":[{\"address\":\"status.*\",\"subscribe\":{\"anonymous\":true}}]}");
    NodeSecurity security = NodeSecurity.load(vertx, config(Map.of(), "--rules", rules.toString()));
    assertTrue(security.rules().permits(Identity.ANONYMOUS, Operation.SUBSCRIBE, "status.api"));
    Identity alice = new Identity("alice", Set.of(), Set.of(), Long.MAX_VALUE, new JsonObject());
    assertTrue(!security.rules().permits(alice, Operation.SUBSCRIBE, "user.alice"), "the defaults are replaced, not extended");
  }

  @Test
  void badRulesAndKeyFilesFailNamingTheProblem(Vertx vertx, @TempDir Path dir) throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.json"), "{\"rules\":[{\"address\":\"a.*\",\"subscrbe\":true}]}");
    assertMessage(vertx, "rule 0: unknown key 'subscrbe'", "--rules", typo.toString());
    Path notJson = Files.writeString(dir.resolve("bad.json"), "rules: yes");
    assertMessage(vertx, "not a JSON object", "--rules", notJson.toString());
    assertMessage(vertx, "cannot be read", "--rules", dir.resolve("missing.json").toString());
    Path notPem = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n");
    assertMessage(vertx, "not a PEM public key", "--jwt-public-keys", notPem.toString());
    assertMessage(vertx, "cannot be read", "--jwt-jwks", dir.resolve("missing-jwks.json").toString());
  }

  private static void assertMessage(Vertx vertx, String expected, String... args) {
    ConfigException e = assertThrows(ConfigException.class, () -> NodeSecurity.load(vertx, config(Map.of(), args)));
    assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
  }
}
