package io.herald.verticles.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.Http;
import io.herald.verticles.NodeDeployment;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the browser tests share: where the pages and the screenshots live, nodes that serve the pages, publishing. */
final class Pages {

  /** The repository's pages, served from disk as while developing (tests run in verticles/). */
  static final Path WEBROOT = Path.of("..", "webroot").toAbsolutePath().normalize();
  /** Where the README's screenshots are kept; the tests write them on every run. */
  static final Path DOCS = Path.of("..", "docs").toAbsolutePath().normalize();

  private Pages() {}

  /** The settings of a node serving the repository's pages; {@code extra} flags win. */
  static String[] serving(String... extra) {
    assertTrue(Files.isRegularFile(WEBROOT.resolve("herald.js")), "the pages are not at " + WEBROOT);
    List<String> flags = new ArrayList<>(List.of("--webroot", WEBROOT.toString()));
    flags.addAll(List.of(extra));
    return flags.toArray(String[]::new);
  }

  /**
   * A standalone node in development mode (no JWT key: the pages take their tokens from
   * {@code /dev/token}, as on a developer's machine) serving the repository's pages.
   */
  static NodeDeployment developmentNode(Vertx vertx, String... extra) {
    List<String> flags = new ArrayList<>(List.of(serving("--jwt-secret=")));
    flags.addAll(List.of(extra));
    return HeraldCluster.await(HeraldCluster.onLoop(vertx,
        () -> NodeDeployment.deploy(vertx, HeraldCluster.config(flags.toArray(String[]::new)))));
  }

  /** Closes the browser, if it started, then Vert.x and the nodes deployed on it, whatever the first did. */
  static void close(Browser browser, Vertx vertx) {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      vertx.close().await();
    }
  }

  static String url(NodeDeployment node, String path) {
    return "http://127.0.0.1:" + node.httpPort() + path;
  }

  /** A development token from the node's {@code /dev/token}, e.g. {@code sub=svc&roles=publisher}. */
  static String devToken(HttpClient http, int port, String query) {
    Http.Reply reply = Http.get(http, port, "/dev/token?" + query);
    assertEquals(200, reply.status(), () -> "/dev/token: " + reply.body());
    return reply.body().toString();
  }

  /** {@code POST /api/publish} of one event; returns its id. */
  static String publish(HttpClient http, int port, String token, JsonObject event) {
    Http.Reply reply = Http.call(http, HttpMethod.POST, port, "/api/publish", event.toBuffer(),
        MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token));
    assertEquals(202, reply.status(), () -> "publish " + event.encode() + ": " + reply.body());
    JsonArray ids = reply.json().getJsonArray("ids");
    return ids.getString(0);
  }
}
