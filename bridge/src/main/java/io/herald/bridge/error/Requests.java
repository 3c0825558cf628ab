package io.herald.bridge.error;

import io.vertx.core.eventbus.ReplyException;

/** What a client's request to a service may ask for and how its failure is told, the same on every door. */
public final class Requests {

  private Requests() {}

  /**
   * The timeout a client asked for, capped by the node's reply timeout; {@code null} takes the cap.
   *
   * @throws HeraldException {@code bad-frame} unless it is a positive number
   */
  public static long timeout(Object requested, long max) {
    if (requested == null) {
      return max;
    }
    if (!(requested instanceof Number number) || number.longValue() < 1) {
      throw new HeraldException(ErrorCode.BAD_FRAME, "timeout must be a positive number of milliseconds");
    }
    return Math.min(number.longValue(), max);
  }

  /** {@code timeout}, {@code no-handler} or {@code recipient-failure}, after the bus's failure type. */
  public static ErrorCode codeOf(ReplyException failure) {
    return switch (failure.failureType()) {
      case TIMEOUT -> ErrorCode.TIMEOUT;
      case NO_HANDLERS -> ErrorCode.NO_HANDLER;
      default -> ErrorCode.RECIPIENT_FAILURE;
    };
  }
}
