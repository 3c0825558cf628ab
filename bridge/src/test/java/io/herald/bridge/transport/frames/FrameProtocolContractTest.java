package io.herald.bridge.transport.frames;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.assertAck;
import static io.herald.bridge.support.ProtocolFrames.assertError;
import static io.herald.bridge.support.ProtocolFrames.awaitStats;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.httpPublish;
import static io.herald.bridge.support.ProtocolFrames.publish;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.register;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.bridge.support.ProtocolFrames.send;
import static io.herald.bridge.support.ProtocolFrames.stillWorks;
import static io.herald.bridge.support.ProtocolFrames.type;
import static io.herald.bridge.support.ProtocolFrames.unregister;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.BridgeOptions;
import io.herald.bridge.address.AddressRules;
import io.herald.bridge.address.AllowListRules;
import io.herald.bridge.auth.Authenticator;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.BusEnvelopes;
import io.herald.bridge.support.BridgeServer;
import io.herald.bridge.support.FrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The frame protocol as every transport that carries it must speak it. Each transport runs this
 * contract through a subclass that only says how to connect, as vertx-web does for its bridge.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class FrameProtocolContractTest implements RequestReplyContract {

  /** The default allow-list plus {@code service.*}, the addresses of request/reply services. */
  protected static final AddressRules RULES =
      new AllowListRules(List.of("public.*", "user.*", "group.*", "service.*"));
  protected static final int MAX_SUBSCRIPTIONS = 4;
  protected static final int MAX_PENDING_REPLIES = 2;

  protected BridgeServer server;

  /** Opens a client of the transport under test. */
  protected abstract Future<FrameClient> connect(Vertx vertx, int port);

  /** Connect-register-disconnect cycles of the resource test. */
  protected int cycles() {
    return 100;
  }

  /**
   * Small enough that an over-limit body fits the socket buffers: the server answers 413 before it
   * reads a body, and a client still pushing a megabyte may not see that answer in time.
   */
  protected static final int MAX_BODY_SIZE = 128 * 1024;

  @BeforeEach
  void startServer(Vertx vertx, VertxTestContext ctx) {
    BridgeOptions options = new BridgeOptions()
        .setMaxBodySize(MAX_BODY_SIZE)
        .setMaxSubscriptions(MAX_SUBSCRIPTIONS)
        .setMaxPendingReplies(MAX_PENDING_REPLIES);
    BridgeServer.start(vertx, options, RULES).onComplete(ctx.succeeding(s -> {
      server = s;
      ctx.completeNow();
    }));
  }

  @Override
  public Future<FrameClient> connect(Vertx vertx) {
    return connect(vertx, server.port());
  }

  /**
   * An {@link Authenticator} may answer on a later event-loop turn (an embedder's that looks a
   * session cookie up, say): the connection still opens, upgrades included, and works.
   */
  @Test
  void anAuthenticatorThatAnswersOnALaterTurnStillLetsTheClientConnect(Vertx vertx, VertxTestContext ctx) {
    Authenticator later = new Authenticator() {
      @Override
      public Future<Identity> authenticate(String token) {
        return vertx.timer(20).map(t -> Identity.ANONYMOUS);
      }

      @Override
      public Future<Identity> identify(HttpServerRequest request) {
        return vertx.timer(20).map(t -> Identity.ANONYMOUS);
      }
    };
    BridgeServer.start(vertx, new BridgeOptions(), RULES, later)
        .compose(slow -> connect(vertx, slow.port()))
        .compose(c -> c.send(register("public.later", "later")).compose(v -> c.next(ack("later"))))
        .<Void>mapEmpty()
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void registerIsAcknowledgedThenBusAndHttpPublishesArrive(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(register("public.news", "r1"))
        .compose(v -> c.next(ack("r1")))
        .compose(ack -> {
          assertAck(ack, "r1", "register", "public.news");
          vertx.eventBus().publish("public.news", new JsonObject().put("n", 1));
          return c.next(rec("public.news"));
        })
        .compose(rec -> {
          assertEquals(new JsonObject().put("n", 1), rec.getJsonObject("body"));
          assertEquals("message", rec.getString("event"));
          assertFalse(rec.getString("id").isEmpty());
          assertTrue(rec.getLong("ts") > 0);
          return httpPublish(vertx, server.port(), new JsonObject()
              .put("address", "public.news").put("type", "alert").put("data", new JsonObject().put("n", 2)));
        })
        .compose(ids -> c.next(rec("public.news")).map(rec -> {
          assertEquals(ids.getString(0), rec.getString("id"));
          assertEquals("alert", rec.getString("event"));
          assertEquals(new JsonObject().put("n", 2), rec.getJsonObject("body"));
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unregisterIsAcknowledgedAndStopsEvents(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(register("public.a", 1))
        .compose(v -> c.next(ack(1)))
        .compose(v -> c.send(register("public.b", 2)))
        .compose(v -> c.next(ack(2)))
        .compose(v -> {
          vertx.eventBus().publish("public.a", "before");
          return c.next(rec("public.a"));
        })
        .compose(v -> c.send(unregister("public.a", 3)))
        .compose(v -> c.next(ack(3)))
        .compose(ack -> {
          assertAck(ack, 3, "unregister", "public.a");
          vertx.eventBus().publish("public.a", "after");
          vertx.eventBus().publish("public.b", "marker");
          return c.next(rec("public.b"));
        })
        .compose(marker -> {
          assertEquals(1, c.history().stream().filter(rec("public.a")).count(), () -> "history: " + c.history());
          return server.stats();
        })
        .map(stats -> {
          assertEquals(1, stats.subscriptions());
          assertEquals(1, stats.consumers());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void framesWithoutIdAreNotAcknowledged(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(register("public.quiet", null))
        .compose(v -> c.send(register("public.loud", "loud")))
        .compose(v -> c.next(ack("loud")))
        .compose(v -> c.send(publish("public.quiet", "hello", null)))
        .compose(v -> c.next(rec("public.quiet")))
        .map(rec -> {
          assertEquals("hello", rec.getString("body"));
          assertEquals(1, c.history().stream().filter(type("ack")).count(), () -> "history: " + c.history());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void clientPublishReachesBusConsumersAndOtherSubscribers(Vertx vertx, VertxTestContext ctx) {
    Promise<Message<Object>> onBus = Promise.promise();
    JsonObject body = new JsonObject().put("text", "hi");
    vertx.eventBus().consumer("public.chat", onBus::tryComplete).completion()
        .compose(v -> Future.all(connect(vertx), connect(vertx)))
        .compose(both -> {
          FrameClient publisher = both.resultAt(0);
          FrameClient subscriber = both.resultAt(1);
          return subscriber.send(register("public.chat", "sub"))
              .compose(v -> subscriber.next(ack("sub")))
              .compose(v -> publisher.send(publish("public.chat", body, "pub").put("event", "chat")))
              .compose(v -> publisher.next(ack("pub")))
              .compose(ack -> {
                assertEquals("publish", ack.getString("op"));
                String eventId = ack.getString("eventId");
                assertFalse(eventId.isEmpty());
                return subscriber.next(rec("public.chat")).compose(rec -> {
                  assertEquals(eventId, rec.getString("id"));
                  assertEquals("chat", rec.getString("event"));
                  assertEquals(body, rec.getJsonObject("body"));
                  return onBus.future();
                }).map(message -> {
                  assertEquals(body, message.body());
                  assertEquals(eventId, message.headers().get(BusEnvelopes.HEADER_ID));
                  return null;
                });
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badJsonIsAnsweredAndChangesNothing(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.sendText("{\"type\":\"register\", oops")
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "bad-json", 400);
          return c.sendText("[\"register\"]");
        })
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "bad-json", 400);
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void frameWithoutStringTypeIsABadFrame(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(new JsonObject().put("address", "public.x").put("id", "m1"))
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "bad-frame", 400);
          assertEquals("m1", e.getValue("ref"));
          return c.send(new JsonObject().put("type", 5).put("id", "m2"));
        })
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "bad-frame", 400);
          assertEquals("m2", e.getValue("ref"));
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownOperationIsRefused(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(new JsonObject().put("type", "subscribe").put("address", "public.x").put("id", 9))
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertError(e, "unknown-op", 400);
          assertEquals(9, e.getValue("ref"));
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badAddressesAreRefused(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(register("has spaces", "b1"))
        .compose(v -> c.next(err("bad-address")))
        .compose(e -> {
          assertError(e, "bad-address", 400);
          assertEquals("b1", e.getValue("ref"));
          assertNull(e.getValue("address"), "a malformed address is not echoed");
          return c.send(register("herald.control", "b2"));
        })
        .compose(v -> c.next(err("bad-address")))
        .compose(e -> c.send(new JsonObject().put("type", "register").put("id", "b3")))
        .compose(v -> c.next(err("bad-address")))
        .compose(e -> c.send(publish("public.", "x", "b4")))
        .compose(v -> c.next(err("bad-address")))
        .compose(e -> {
          assertEquals("b4", e.getValue("ref"));
          return stillWorks(vertx, c);
        })
        .compose(v -> server.stats())
        .map(stats -> {
          assertEquals(0, stats.subscriptions());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void addressesOutsideTheRulesAreRefusedToAnAnonymousClient(Vertx vertx, VertxTestContext ctx) {
    List<Object> leaked = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("private.vault", m -> leaked.add(m.body())).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(register("private.vault", "f1"))
            .compose(v -> c.next(err("unauthorized")))
            .compose(e -> {
              assertError(e, "unauthorized", 401);
              assertEquals("f1", e.getValue("ref"));
              assertEquals("private.vault", e.getString("address"));
              return c.send(publish("private.vault", "leak", "f2"));
            })
            .compose(v -> c.next(err("unauthorized")))
            .compose(e -> {
              assertEquals("f2", e.getValue("ref"));
              return c.send(send("private.vault", "leak", "f3"));
            })
            .compose(v -> c.next(err("unauthorized")))
            .compose(e -> {
              assertEquals("f3", e.getValue("ref"));
              return c.send(request("private.vault", "leak", "reply.x").put("id", "f4"));
            })
            .compose(v -> c.next(err("unauthorized")))
            .compose(e -> stillWorks(vertx, c))
            .compose(v -> server.stats())
            .map(stats -> {
              assertEquals(0, stats.subscriptions());
              assertEquals(List.of(), leaked);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void subscriptionsAreLimitedPerConnection(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> registerAll(c, 1)
        .compose(v -> c.send(register("public.s" + (MAX_SUBSCRIPTIONS + 1), "over")))
        .compose(v -> c.next(err("too-many-subscriptions")))
        .compose(e -> {
          assertError(e, "too-many-subscriptions", 400);
          assertEquals("over", e.getValue("ref"));
          return c.send(register("public.s1", "again"));
        })
        .compose(v -> c.next(ack("again")))
        .compose(v -> c.send(unregister("public.s1", "off")))
        .compose(v -> c.next(ack("off")))
        .compose(v -> c.send(register("public.s" + (MAX_SUBSCRIPTIONS + 1), "room")))
        .compose(v -> c.next(ack("room")))
        .compose(v -> {
          vertx.eventBus().publish("public.s" + (MAX_SUBSCRIPTIONS + 1), "in");
          return c.next(rec("public.s" + (MAX_SUBSCRIPTIONS + 1)));
        })
        .compose(v -> server.stats())
        .map(stats -> {
          assertEquals(MAX_SUBSCRIPTIONS, stats.subscriptions());
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badReplyAddressOrTimeoutIsABadFrame(Vertx vertx, VertxTestContext ctx) {
    List<Object> delivered = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer("service.echo", m -> delivered.add(m.body())).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(send("service.echo", "x", "r1").put("replyAddress", 5))
            .compose(v -> c.next(err("bad-frame")))
            .compose(e -> {
              assertError(e, "bad-frame", 400);
              assertEquals("r1", e.getValue("ref"));
              return c.send(request("service.echo", "x", "reply.r").put("timeout", "soon"));
            })
            .compose(v -> c.next(err("bad-frame")))
            .compose(e -> c.send(request("service.echo", "x", "reply.r").put("timeout", 0)))
            .compose(v -> c.next(err("bad-frame")))
            .compose(e -> stillWorks(vertx, c))
            .map(v -> {
              assertEquals(List.of(), delivered);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void disconnectsReleaseEverything(Vertx vertx, VertxTestContext ctx) {
    cycle(vertx, 0)
        .compose(v -> awaitStats(vertx, server, s -> s.connections() == 0))
        .compose(stats -> {
          assertEquals(0, stats.consumers(), stats::toString);
          assertEquals(0, stats.subscriptions(), stats::toString);
          return vertx.eventBus().request("public.cycle", "anyone?", new DeliveryOptions().setSendTimeout(5000))
              .map(reply -> (Throwable) new AssertionError("a consumer was left behind"))
              .recover(Future::succeededFuture);
        })
        .map(failure -> {
          assertTrue(failure instanceof ReplyException, failure::toString);
          assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) failure).failureType());
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> cycle(Vertx vertx, int i) {
    if (i == cycles()) {
      return Future.succeededFuture();
    }
    return connect(vertx)
        .compose(c -> c.send(register("public.cycle", "c" + i))
            .compose(v -> c.send(register("user.cycle-" + i, "u" + i)))
            .compose(v -> Future.all(c.next(ack("c" + i)), c.next(ack("u" + i))))
            .compose(v -> c.close()))
        .compose(v -> cycle(vertx, i + 1));
  }

  private static Future<Void> registerAll(FrameClient c, int from) {
    if (from > MAX_SUBSCRIPTIONS) {
      return Future.succeededFuture();
    }
    return c.send(register("public.s" + from, "s" + from))
        .compose(v -> c.next(ack("s" + from)))
        .compose(v -> registerAll(c, from + 1));
  }
}
