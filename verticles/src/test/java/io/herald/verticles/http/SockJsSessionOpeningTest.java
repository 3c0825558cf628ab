package io.herald.verticles.http;

import static io.herald.verticles.support.HeraldCluster.await;
import static io.herald.verticles.support.HeraldCluster.onLoop;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.herald.verticles.NodeDeployment;
import io.herald.verticles.cluster.NodeConnections;
import io.herald.verticles.support.HeraldCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SockJS session opened by two polls at once, on a node whose two HTTP verticle instances each
 * take one of them: the session opens once. Before the node took turns per session (SessionTurns in
 * the bridge), about one such session in ten opened twice: both polls were answered {@code o}, and
 * the bridge held a second connection that outlived the session until the node stopped.
 */
@Timeout(60)
class SockJsSessionOpeningTest {

  /** Enough pairs that a race hit about one time in ten would all but surely show. */
  private static final int SESSIONS = 200;

  private Vertx nodeVertx;
  private NodeDeployment node;
  private Vertx clients;
  private HttpClient http;

  @BeforeEach
  void start() {
    nodeVertx = Vertx.vertx();
    node = await(onLoop(nodeVertx, () -> NodeDeployment.deploy(nodeVertx, HeraldCluster.config())));
    clients = Vertx.vertx();
    // A connection per request, as vertx-web closes one after every poll: the node's two instances
    // take the connections in turn, so the two polls of a pair are on different event loops.
    http = clients.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(4 * SESSIONS));
  }

  @AfterEach
  void stop() {
    await(clients.close());
    await(nodeVertx.close());
  }

  @Test
  void twoFirstPollsAtOnceOpenTheSessionOnce() throws InterruptedException {
    List<Future<List<String>>> pairs = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      String session = "/eventbus/000/opening" + i + "x" + System.nanoTime();
      pairs.add(onLoop(clients, () -> openedByTwoPolls(session)));
    }
    await(Future.all(pairs));

    List<List<String>> openedTwice = new ArrayList<>();
    List<List<String>> otherwise = new ArrayList<>();
    for (Future<List<String>> pair : pairs) {
      List<String> answers = pair.result();
      long opens = answers.stream().filter("o"::equals).count();
      if (opens > 1) {
        openedTwice.add(answers);
      } else if (opens == 0 || answers.stream().noneMatch(a -> a.startsWith("a["))) {
        otherwise.add(answers);
      }
    }
    assertEquals(List.of(), openedTwice, "sessions whose two polls were both answered 'o'");
    // The poll that waited its turn found the session open and its first poll answered: it was kept
    // for the session's next frames, not refused as a second listener (2010).
    assertEquals(List.of(), otherwise, "pairs not answered 'o' and then the register's answer");
    assertEquals(SESSIONS, connections(), "one bridge connection per session");

    // Nobody polls any more: SockJS lets every session go after its timeout, and every connection
    // the bridge held for them must go with it.
    long deadline = System.nanoTime() + 20_000_000_000L;
    int left;
    while ((left = connections()) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(0, left, "connections left after every session timed out");
  }

  /**
   * Sends two first polls of a new session at once, then a frame whose answer ends the poll that
   * SockJS kept waiting. Completes with the two polls' answers, one frame each.
   */
  private Future<List<String>> openedByTwoPolls(String session) {
    Future<String> first = poll(session);
    Future<String> second = poll(session);
    return Future.any(first, second)
        .compose(one -> post(session + "/xhr_send", new JsonArray().add(new JsonObject().put("type", "register")
            .put("address", "public.news").put("ref", "r").encode()).encode()))
        .compose(sent -> Future.all(first, second))
        .map(both -> Stream.of(first.result(), second.result()).map(String::strip).toList());
  }

  private Future<String> poll(String session) {
    return post(session + "/xhr", null);
  }

  private Future<String> post(String uri, String body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setPort(node.httpPort()).setURI(uri))
        .compose(request -> body == null ? request.send() : request.putHeader("content-type", "text/plain").send(body))
        .compose(response -> response.body().map(b -> b.toString()));
  }

  private int connections() {
    return await(onLoop(nodeVertx, () -> NodeConnections.gather(nodeVertx, node.nodeId(), 2, NodeConnections.GATHER_TIMEOUT)))
        .getInteger("connections");
  }
}
