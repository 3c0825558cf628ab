package io.herald.verticles.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A question put to every HTTP verticle instance of one node, and their answers gathered.
 *
 * <p>Each instance owns its bridge and shares nothing with the others, so what they hold is asked
 * for, not read: the asker publishes on a node-local address, every instance answers to the asker's
 * one-off reply address, and the asker has the answers once all instances gave theirs, or those it
 * has when the timeout passes. Addresses hold the node's id, so two nodes sharing a Vert.x (as tests
 * may) never mix their answers.
 */
public final class InstanceQuery {

  private static final String REPLY_TO = "herald-reply-to";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private InstanceQuery() {}

  /**
   * Registers an instance's answer on {@code address}; unregistered with the instance's deployment.
   * {@code answer} runs on the instance's context; a failed answer is not sent, and the asker counts
   * that instance as silent.
   */
  public static MessageConsumer<Object> answerWith(Vertx vertx, String address, Supplier<Future<JsonObject>> answer) {
    return vertx.eventBus().localConsumer(address, request -> {
      String replyTo = request.headers().get(REPLY_TO);
      if (replyTo != null) {
        answer.get().onSuccess(json -> vertx.eventBus().send(replyTo, json, LOCAL));
      }
    });
  }

  /**
   * Asks the {@code instances} answering on {@code address}. Call it on an event loop: the answers
   * are gathered on the caller's context.
   *
   * @return the answers, fewer than {@code instances} when the timeout passed first
   */
  public static Future<List<JsonObject>> ask(Vertx vertx, String address, int instances, Duration timeout) {
    String replyTo = address + ".reply." + UUID.randomUUID();
    List<JsonObject> answers = new ArrayList<>(instances);
    Promise<List<JsonObject>> done = Promise.promise();
    MessageConsumer<JsonObject> replies = vertx.eventBus().localConsumer(replyTo, reply -> {
      answers.add(reply.body());
      if (answers.size() >= instances) {
        done.tryComplete(List.copyOf(answers));
      }
    });
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> done.tryComplete(List.copyOf(answers)));
    replies.completion().onSuccess(v -> vertx.eventBus().publish(address, null, new DeliveryOptions(LOCAL).addHeader(REPLY_TO, replyTo)));
    return done.future().andThen(result -> {
      vertx.cancelTimer(timer);
      replies.unregister();
    });
  }
}
