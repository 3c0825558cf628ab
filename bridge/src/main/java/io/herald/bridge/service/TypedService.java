package io.herald.bridge.service;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import java.util.function.Function;

/**
 * The consumer behind {@link Herald#serve}: reads the request as a {@code Req}, calls the handler,
 * and replies with its answer written as JSON, or fails as {@link ServiceFailures} says. A body
 * that does not fit {@code Req} is {@code bad-request} (400); a handler that throws is treated as
 * one whose future failed.
 */
final class TypedService<Req, Resp> implements Handler<Message<Object>> {

  private final String address;
  private final JsonPayloads payloads;
  private final Class<Req> requestType;
  private final Function<Req, Future<Resp>> handler;

  TypedService(String address, JsonPayloads payloads, Class<Req> requestType, Function<Req, Future<Resp>> handler) {
    this.address = address;
    this.payloads = payloads;
    this.requestType = requestType;
    this.handler = handler;
  }

  @Override
  public void handle(Message<Object> message) {
    Req request;
    try {
      request = payloads.fromBody(message.body(), requestType);
    } catch (HeraldException e) {
      ServiceFailures.fail(message, address, new HeraldException(ErrorCode.BAD_REQUEST, e.getMessage()));
      return;
    } catch (RuntimeException e) {
      ServiceFailures.fail(message, address, e);
      return;
    }
    answer(request).onComplete(done -> {
      if (done.failed()) {
        ServiceFailures.fail(message, address, done.cause());
        return;
      }
      Object body;
      try {
        body = payloads.toBody(done.result());
      } catch (HeraldException e) {
        // The service's own answer has no JSON form: its bug, not the caller's.
        ServiceFailures.fail(message, address, new IllegalStateException(e.getMessage()));
        return;
      }
      message.reply(body);
    });
  }

  private Future<Resp> answer(Req request) {
    try {
      Future<Resp> answer = handler.apply(request);
      return answer != null ? answer : Future.failedFuture(new IllegalStateException("the handler returned no future"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
