package io.herald.bridge.service;

import io.herald.bridge.error.ErrorCode;
import io.herald.bridge.error.HeraldException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * How a typed service's failure travels on the bus, and how a Java requester reads it back.
 *
 * <p>A failure is {@code message.fail(status, "<code>: <text>")}: the HTTP status of Herald's error
 * code, and a text that starts with the code, so that 400 {@code bad-request} and 400
 * {@code bad-data} stay apart. A browser gets both in its {@code err} frame ({@code failureCode} and
 * {@code message}); a Java requester gets the same {@link HeraldException} back. Only a
 * {@link HeraldException}'s text is passed on: any other failure is {@code internal}, logged here
 * and never described to the caller.
 */
final class ServiceFailures {

  private static final Logger LOG = System.getLogger(ServiceFailures.class.getName());
  private static final String SEPARATOR = ": ";

  private ServiceFailures() {}

  static void fail(Message<?> message, String address, Throwable failure) {
    if (failure instanceof HeraldException known) {
      message.fail(known.code().httpStatus(), known.code().code() + SEPARATOR + known.getMessage());
      return;
    }
    LOG.log(Level.WARNING, "the service at " + address + " failed", failure);
    message.fail(ErrorCode.INTERNAL.httpStatus(), ErrorCode.INTERNAL.code() + SEPARATOR + "the service failed");
  }

  /** A failed request as the error its caller is told. */
  static HeraldException fromReply(String address, Throwable failure, long timeoutMs) {
    if (!(failure instanceof ReplyException reply)) {
      return HeraldException.of(failure);
    }
    return switch (reply.failureType()) {
      case TIMEOUT -> new HeraldException(ErrorCode.TIMEOUT, "no reply from " + address + " within " + timeoutMs + " ms");
      case NO_HANDLERS -> new HeraldException(ErrorCode.NO_HANDLER, "no service consumes " + address);
      default -> recipientFailure(address, reply);
    };
  }

  private static HeraldException recipientFailure(String address, ReplyException reply) {
    String text = reply.getMessage() == null ? "" : reply.getMessage();
    int separator = text.indexOf(SEPARATOR);
    ErrorCode code = separator < 0 ? null : ErrorCode.fromCode(text.substring(0, separator));
    if (code != null && code.httpStatus() == reply.failureCode()) {
      return new HeraldException(code, text.substring(separator + SEPARATOR.length()));
    }
    return new HeraldException(ErrorCode.RECIPIENT_FAILURE,
        "the service at " + address + " failed with " + reply.failureCode() + (text.isEmpty() ? "" : SEPARATOR + text));
  }
}
