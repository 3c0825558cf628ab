package io.herald.bridge.transport.frames;

import static io.herald.bridge.support.ProtocolFrames.ack;
import static io.herald.bridge.support.ProtocolFrames.assertAck;
import static io.herald.bridge.support.ProtocolFrames.assertError;
import static io.herald.bridge.support.ProtocolFrames.err;
import static io.herald.bridge.support.ProtocolFrames.rec;
import static io.herald.bridge.support.ProtocolFrames.request;
import static io.herald.bridge.support.ProtocolFrames.send;
import static io.herald.bridge.support.ProtocolFrames.stillWorks;
import static io.herald.bridge.support.ProtocolFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.herald.bridge.support.FrameClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code send} half of the frame protocol contract: point-to-point sends, and requests whose
 * reply, timeout, missing handler or recipient failure reaches the client. Part of
 * {@link FrameProtocolContractTest}, which every transport runs.
 */
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
interface RequestReplyContract {

  /** Opens a client of the transport under test on the test's server. */
  Future<FrameClient> connect(Vertx vertx);

  @Test
  default void sendWithoutReplyAddressIsAcknowledgedAndDelivered(Vertx vertx, VertxTestContext ctx) {
    Promise<Object> onBus = Promise.promise();
    vertx.eventBus().consumer("service.inbox", m -> onBus.tryComplete(m.body())).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(send("service.inbox", new JsonObject().put("k", "v"), "s1"))
            .compose(v -> c.next(ack("s1")))
            .compose(ack -> {
              assertAck(ack, "s1", "send", "service.inbox");
              return onBus.future();
            })
            .map(received -> {
              assertEquals(new JsonObject().put("k", "v"), received);
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  default void sendWithReplyAddressDeliversTheReply(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer("service.echo", m -> m.reply(new JsonObject().put("echo", m.body()))).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(request("service.echo", new JsonObject().put("q", 1), "reply.1"))
            .compose(v -> c.next(rec("reply.1")))
            .map(reply -> {
              assertEquals(new JsonObject().put("echo", new JsonObject().put("q", 1)), reply.getJsonObject("body"));
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  default void requestThatNobodyAnswersTimesOut(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer("service.silent", m -> { }).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(request("service.silent", "anyone?", "reply.t").put("timeout", 300))
            .compose(v -> c.next(type("err")))
            .compose(e -> {
              assertReplyFailure(e, "reply.t", "timeout", ReplyFailure.TIMEOUT);
              return stillWorks(vertx, c);
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  default void requestToAnAddressWithoutHandlerFails(Vertx vertx, VertxTestContext ctx) {
    connect(vertx).compose(c -> c.send(request("service.nobody", "anyone?", "reply.n"))
        .compose(v -> c.next(type("err")))
        .compose(e -> {
          assertReplyFailure(e, "reply.n", "no-handler", ReplyFailure.NO_HANDLERS);
          return stillWorks(vertx, c);
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  default void recipientFailureReachesTheClient(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer("service.grumpy", m -> m.fail(42, "nope")).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(request("service.grumpy", "please", "reply.f"))
            .compose(v -> c.next(type("err")))
            .compose(e -> {
              assertReplyFailure(e, "reply.f", "recipient-failure", ReplyFailure.RECIPIENT_FAILURE);
              assertEquals(42, e.getInteger("failureCode"));
              assertEquals("nope", e.getString("message"));
              return stillWorks(vertx, c);
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  default void tooManyPendingRequestsAreRefusedUntilRepliesArrive(Vertx vertx, VertxTestContext ctx) {
    List<Message<Object>> held = new CopyOnWriteArrayList<>();
    Promise<Void> bothHeld = Promise.promise();
    vertx.eventBus().consumer("service.hold", m -> {
      held.add(m);
      if (held.size() == FrameProtocolContractTest.MAX_PENDING_REPLIES) {
        bothHeld.tryComplete();
      }
    }).completion()
        .compose(v -> connect(vertx))
        .compose(c -> c.send(request("service.hold", 1, "reply.1"))
            .compose(v -> c.send(request("service.hold", 2, "reply.2")))
            .compose(v -> c.send(request("service.hold", 3, "reply.3").put("id", "third")))
            .compose(v -> c.next(err("too-many-requests")))
            .compose(e -> {
              assertError(e, "too-many-requests", 429);
              assertEquals("third", e.getValue("ref"));
              return bothHeld.future();
            })
            .compose(v -> {
              held.forEach(m -> m.reply("done-" + m.body()));
              return Future.all(c.next(rec("reply.1")), c.next(rec("reply.2")));
            })
            .compose(v -> c.send(request("service.hold", 4, "reply.4")))
            .compose(v -> awaitHeld(vertx, held, 3, 500))
            .compose(v -> {
              held.get(2).reply("done-4");
              return c.next(rec("reply.4"));
            })
            .map(reply -> {
              assertEquals("done-4", reply.getString("body"));
              assertEquals(1, c.history().stream().filter(type("err")).count(), () -> "history: " + c.history());
              return null;
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> awaitHeld(Vertx vertx, List<?> held, int count, int attempts) {
    if (held.size() >= count) {
      return Future.succeededFuture();
    }
    if (attempts == 0) {
      return Future.failedFuture(new AssertionError("the service got " + held.size() + " requests, expected " + count));
    }
    return vertx.timer(20).compose(t -> awaitHeld(vertx, held, count, attempts - 1));
  }

  private static void assertReplyFailure(JsonObject e, String replyAddress, String code, ReplyFailure failure) {
    assertEquals("err", e.getString("type"), e.encode());
    assertEquals(replyAddress, e.getString("address"), e.encode());
    assertEquals(code, e.getString("code"), e.encode());
    assertEquals(failure.name(), e.getString("failureType"), e.encode());
    assertTrue(e.getValue("failureCode") instanceof Integer, e.encode());
  }
}
