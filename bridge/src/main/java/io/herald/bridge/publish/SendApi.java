package io.herald.bridge.publish;

import io.herald.bridge.BridgeRuntime;
import io.herald.bridge.address.AddressSyntax;
import io.herald.bridge.address.Operation;
import io.herald.bridge.auth.Identity;
import io.herald.bridge.envelope.JsonText;
import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.herald.bridge.error.HttpErrors;
import io.herald.bridge.error.Requests;
import io.herald.bridge.target.Targets;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/send} with {@code {"address","body","reply":true,"timeout":ms}}: the frame
 * protocol's {@code send} over plain HTTP, for clients on SSE, which cannot send on their stream.
 * Without {@code reply} the message is sent and the answer is {@code 202 {}}; with it, the
 * service's reply comes back as {@code 200 {"body":…}}, and a failed request as the error the frame
 * protocol would give: {@code timeout} 504, {@code no-handler} 503, {@code recipient-failure} 502
 * with the service's message.
 */
public final class SendApi implements Handler<RoutingContext> {

  public static final String PATH = "/api/send";

  private final BridgeRuntime runtime;

  public SendApi(BridgeRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  public void handle(RoutingContext rc) {
    runtime.authenticator().identify(rc.request())
        .compose(identity -> send(identity, parse(rc.body().buffer())))
        .onSuccess(reply -> {
          if (reply == null) {
            rc.response().setStatusCode(202).putHeader("content-type", "application/json").end("{}");
          } else {
            rc.response().putHeader("content-type", "application/json").end(reply);
          }
        })
        .onFailure(e -> HttpErrors.send(rc, HeraldException.of(e)));
  }

  /** @return the reply as {@code {"body":…}}, or {@code null} for a send that expects none */
  private Future<Buffer> send(Identity identity, JsonObject request) {
    Object address = request.getValue("address");
    String problem = AddressSyntax.problem(address);
    if (problem != null) {
      throw new HeraldException(ErrorCode.BAD_ADDRESS, problem);
    }
    Targets.requireSendable((String) address);
    runtime.rules().require(identity, Operation.SEND, (String) address);
    Object body = Publisher.busBody(request.getValue("body"));
    if (!Boolean.TRUE.equals(request.getValue("reply"))) {
      runtime.vertx().eventBus().send((String) address, body);
      return Future.succeededFuture();
    }
    long timeout = Requests.timeout(request.getValue("timeout"), runtime.options().getReplyTimeout().toMillis());
    return runtime.vertx().eventBus().request((String) address, body, new DeliveryOptions().setSendTimeout(timeout))
        .map(reply -> Buffer.buffer("{\"body\":" + JsonText.encodeBody(reply.body()) + "}"))
        .recover(e -> Future.failedFuture(e instanceof ReplyException failure
            ? new HeraldException(Requests.codeOf(failure), failure.getMessage() == null ? Requests.codeOf(failure).code() : failure.getMessage())
            : e));
  }

  private static JsonObject parse(Buffer body) {
    try {
      if (body != null && body.length() > 0) {
        return new JsonObject(body);
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw new HeraldException(ErrorCode.BAD_JSON, "the body must be a JSON object");
  }
}
