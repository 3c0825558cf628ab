package io.herald.bridge.envelope;

/** JSON texts of the server-to-client frames that carry events. */
public final class Frames {

  private Frames() {}

  public static String rec(Envelope envelope) {
    StringBuilder json = new StringBuilder(96 + envelope.dataJson().length() + envelope.address().length() + envelope.id().length());
    appendRec(json, envelope);
    return json.toString();
  }

  /** Appends {@link #rec(Envelope)}'s text. */
  static void appendRec(StringBuilder json, Envelope envelope) {
    json.append("{\"type\":\"rec\",\"address\":");
    JsonText.appendQuoted(json, envelope.address());
    json.append(",\"id\":");
    JsonText.appendQuoted(json, envelope.id());
    json.append(",\"event\":");
    JsonText.appendQuoted(json, envelope.type());
    json.append(",\"ts\":").append(envelope.ts());
    json.append(",\"body\":").append(envelope.dataJson()).append('}');
  }

}
