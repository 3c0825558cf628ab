package io.herald.bridge.auth;

import static io.herald.bridge.support.Http.await;
import static io.herald.bridge.support.Http.statsUntil;
import static io.herald.bridge.support.Tokens.sub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.BridgeStats;
import io.herald.bridge.address.RuleSet;
import io.herald.bridge.auth.Doors.Accepted;
import io.herald.bridge.auth.Doors.Attempt;
import io.herald.bridge.auth.Doors.Door;
import io.herald.bridge.auth.Doors.Live;
import io.herald.bridge.auth.Doors.Refusal;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.SseClient;
import io.herald.bridge.support.Tokens;
import io.herald.bridge.support.Tokens.Claims;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every door × every attack, against a real server with the default rules and a real
 * {@link JwtAuthenticator} (HS256 secret and RS256 public key, issuer and audience required).
 * A refusal must carry the right status and code, subscribe or publish nothing, and leave the server
 * serving good clients.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecurityMatrixTest {

  static final String ISSUER = "https://id.herald.test/";
  static final String AUDIENCE = "herald";

  @TempDir
  static Path keys;

  private static Vertx vertx;
  private static Tokens tokens;
  private static BridgeServer server;
  private static Doors doors;
  private static final AtomicInteger MARKERS = new AtomicInteger();

  /** What reached {@code user.alice} on the bus during the current test. */
  private final List<Object> toAlice = new CopyOnWriteArrayList<>();
  private MessageConsumer<Object> aliceConsumer;

  static Claims alice() {
    return sub("alice").groups("team").issuer(ISSUER).audience(AUDIENCE).expiresIn(Duration.ofHours(1));
  }

  static Claims service() {
    return sub("svc").roles("publisher").issuer(ISSUER).audience(AUDIENCE).expiresIn(Duration.ofHours(1));
  }

  enum Case {
    NO_TOKEN, MALFORMED, BAD_SIGNATURE, EXPIRED, WRONG_ISSUER, WRONG_AUDIENCE, ALG_NONE, ALG_CONFUSION,
    OTHER_USER, FOREIGN_GROUP, NO_PUBLISHER_ROLE, ALLOWED;

    boolean badToken() {
      return ordinal() <= ALG_CONFUSION.ordinal();
    }

    String token() {
      return switch (this) {
        case NO_TOKEN -> null;
        case MALFORMED -> Tokens.badJson();
        case BAD_SIGNATURE -> Tokens.tampered(tokens.rs256(alice()), alice().roles("publisher"));
        case EXPIRED -> tokens.rs256(alice().expiredAgo(Duration.ofMinutes(10)));
        case WRONG_ISSUER -> tokens.hs256(alice().issuer("https://evil.test/"));
        case WRONG_AUDIENCE -> tokens.hs256(alice().audience("someone-else"));
        case ALG_NONE -> Tokens.algNone(alice().roles("publisher"));
        case ALG_CONFUSION -> tokens.algorithmConfusion(alice().roles("publisher"));
        default -> tokens.rs256(alice());
      };
    }
  }

  @BeforeAll
  static void startServer(Vertx v) {
    vertx = v;
    tokens = Tokens.create(v, keys);
    JwtAuthenticator authenticator = JwtAuthenticator.create(v,
        new JwtSettings(Tokens.SECRET, List.of(tokens.rsaPem), null, ISSUER, List.of(AUDIENCE), JwtSettings.DEFAULT_LEEWAY));
    // Without user channels: the matrix counts what each client subscribed to itself (a refused
    // client must hold nothing); the user channel every authenticated client gets is TargetingTest's.
    server = await(BridgeServer.start(v, new BridgeOptions().setUserChannel(false), RuleSet.defaults(), authenticator));
    doors = new Doors(v, server.port());
  }

  @BeforeEach
  void listenOnAlice() {
    aliceConsumer = vertx.eventBus().consumer("user.alice", m -> toAlice.add(m.body()));
    await(aliceConsumer.completion());
  }

  @AfterEach
  void releaseEverything() {
    doors.closeAll();
    await(aliceConsumer.unregister());
    BridgeStats stats = statsUntil(server, s -> s.connections() == 0 && s.subscriptions() == 0);
    assertEquals(0, stats.connections(), stats::toString);
    assertEquals(0, stats.subscriptions(), stats::toString);
  }

  static Stream<Arguments> matrix() {
    return Doors.SPECS.stream().flatMap(door -> Stream.of(Case.values())
        .filter(c -> switch (c) {
          case OTHER_USER, FOREIGN_GROUP -> door.subscribes();
          case NO_PUBLISHER_ROLE -> door.publishes();
          default -> true;
        })
        .map(c -> Arguments.of(door.name(), c)));
  }

  @ParameterizedTest(name = "{0} × {1}")
  @MethodSource("matrix")
  void doorTimesCase(String doorName, Case c) {
    Door door = doors.door(doorName);
    if (c == Case.ALLOWED) {
      allowed(door);
      return;
    }
    Attempt attempt = switch (c) {
      case OTHER_USER -> door.subscribe(c.token(), "user.bob");
      case FOREIGN_GROUP -> door.subscribe(c.token(), "group.ops");
      case NO_PUBLISHER_ROLE -> door.publish(c.token(), "user.alice", new JsonObject().put("forged", true));
      default -> door.subscribes
          ? door.subscribe(c.token(), "user.alice")
          : door.publish(c.token(), "user.alice", new JsonObject().put("forged", true));
    };
    Refusal refusal = assertInstanceOf(Refusal.class, attempt, () -> door.name + " let " + c + " through");
    if (c.badToken()) {
      assertEquals(401, refusal.status(), refusal::toString);
      assertEquals("unauthorized", refusal.code(), refusal::toString);
      // A bad token presented at an HTTP door is refused there, before any stream or socket exists.
      assertEquals(door.httpOnly || c != Case.NO_TOKEN && door.tokenAtHttp, refusal.overHttp(), refusal::toString);
    } else {
      assertEquals(403, refusal.status(), refusal::toString);
      assertEquals("forbidden", refusal.code(), refusal::toString);
    }
    if (refusal.overHttp()) {
      if (refusal.status() == 401) {
        assertTrue(refusal.wwwAuthenticate() != null && refusal.wwwAuthenticate().startsWith("Bearer error=\"invalid_token\""),
            refusal::toString);
      } else {
        assertNull(refusal.wwwAuthenticate(), refusal::toString);
      }
    }
    String token = c.token();
    if (token != null) {
      assertFalse(refusal.text().contains(token), "the refusal echoes the token: " + refusal);
    }
    BridgeStats stats = await(server.stats());
    assertEquals(0, stats.subscriptions(), () -> "a refused client got a subscription: " + stats);
    stillServesGoodClients();
  }

  private void allowed(Door door) {
    if (door.subscribes) {
      Live live = assertInstanceOf(Live.class, door.subscribe(tokens.rs256(alice()), "user.alice"), door.name);
      JsonObject body = new JsonObject().put("hello", "alice").put("n", MARKERS.incrementAndGet());
      vertx.eventBus().publish("user.alice", body);
      assertEquals(body, await(live.nextEvent("user.alice")));
    }
    if (!door.publishes) {
      return;
    }
    JsonObject published = new JsonObject().put("from", door.name).put("n", MARKERS.incrementAndGet());
    assertInstanceOf(Accepted.class, door.publish(tokens.hs256(service()), "user.alice", published), door.name);
    awaitUntil(() -> toAlice.contains(published));
  }

  /**
   * A good client still subscribes and receives, and a good publish reaches the bus; the first thing
   * {@code user.alice} heard in this test is that publish, so nothing refused was published before it.
   */
  private void stillServesGoodClients() {
    String uri = "/sse?address=user.alice&access_token=" + tokens.rs256(alice());
    SseClient sse = await(doors.onLoop(() -> SseClient.connect(doors.http(), server.port(), uri)));
    doors.onClose(sse::close);
    await(sse.connected());
    JsonObject marker = new JsonObject().put("marker", MARKERS.incrementAndGet());
    assertInstanceOf(Accepted.class, doors.door("publish-api").publish(tokens.hs256(service()), "user.alice", marker));
    SseClient.Event event = await(sse.nth("message", 1));
    assertEquals(marker, new JsonObject(event.data()).getJsonObject("data"));
    awaitUntil(() -> !toAlice.isEmpty());
    assertEquals(marker, toAlice.get(0), () -> "user.alice heard: " + toAlice);
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition never held");
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
