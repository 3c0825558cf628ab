package io.herald.bridge.address;

import io.herald.bridge.auth.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address pattern of a rule: literal text, {@code *} for exactly one part, a final {@code **}
 * for one or more parts, and {@code {claim}} for a value of the identity's claim ({@code {sub}} the
 * user id, {@code {groups}} any of the user's groups). A placeholder must match the whole value, so
 * {@code user.{sub}} matches {@code user.alice} for alice and nothing else. A placeholder stands for
 * one address part: the sub as in the user's own address ({@link AddressSyntax#part}: for
 * {@code auth0|42} it is {@code auth0%7C42}), any other claim's value escaped the same way, and a
 * group as in its address. A value with dots never spans several parts, so one user's value can
 * never reach into another's ({@code john@example.com} under {@code mail.{email}.**} would read
 * {@code mail.john@example.com.au}'s).
 */
public final class AddressPattern {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private sealed interface Token permits Literal, Claim, Star, DoubleStar {}

  private record Literal(String text) implements Token {}

  private record Claim(String name) implements Token {}

  private record Star() implements Token {}

  private record DoubleStar() implements Token {}

  private final String source;
  private final List<Token> tokens;

  private AddressPattern(String source, List<Token> tokens) {
    this.source = source;
    this.tokens = tokens;
  }

  /** @throws IllegalArgumentException naming what is wrong with the pattern */
  public static AddressPattern parse(String source) {
    if (source == null || source.isEmpty()) {
      throw new IllegalArgumentException("address pattern is empty");
    }
    String[] parts = source.split("\\.", -1);
    List<Token> tokens = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (i > 0) {
        tokens.add(new Literal("."));
      }
      if (part.equals("**")) {
        if (i != parts.length - 1) {
          throw new IllegalArgumentException("'**' may only end a pattern: " + source);
        }
        tokens.add(new DoubleStar());
      } else if (part.equals("*")) {
        tokens.add(new Star());
      } else {
        addPart(source, part, tokens);
      }
    }
    return new AddressPattern(source, merge(tokens));
  }

  private static void addPart(String source, String part, List<Token> tokens) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("empty part in address pattern: " + source);
    }
    Matcher m = PLACEHOLDER.matcher(part);
    int at = 0;
    while (m.find()) {
      if (m.start() > at) {
        tokens.add(literal(source, part.substring(at, m.start())));
      }
      tokens.add(new Claim(m.group(1)));
      at = m.end();
    }
    if (at < part.length()) {
      tokens.add(literal(source, part.substring(at)));
    }
  }

  private static Literal literal(String source, String text) {
    if (!text.matches("([A-Za-z0-9_:@-]|%[0-9A-F]{2})+")) {
      throw new IllegalArgumentException("address pattern may hold letters, digits, _ : @ -, %XX escapes, '*', '**' and {claim}: " + source);
    }
    return new Literal(text);
  }

  private static List<Token> merge(List<Token> tokens) {
    List<Token> merged = new ArrayList<>();
    for (Token token : tokens) {
      if (token instanceof Literal next && !merged.isEmpty() && merged.get(merged.size() - 1) instanceof Literal previous) {
        merged.set(merged.size() - 1, new Literal(previous.text() + next.text()));
      } else {
        merged.add(token);
      }
    }
    return List.copyOf(merged);
  }

  public boolean matches(String address, Identity identity) {
    return matches(address, 0, 0, identity);
  }

  private boolean matches(String address, int at, int tokenIndex, Identity identity) {
    if (tokenIndex == tokens.size()) {
      return at == address.length();
    }
    Token token = tokens.get(tokenIndex);
    if (token instanceof Literal literal) {
      return address.startsWith(literal.text(), at) && matches(address, at + literal.text().length(), tokenIndex + 1, identity);
    }
    if (token instanceof DoubleStar) {
      return at < address.length();
    }
    if (token instanceof Star) {
      int end = address.indexOf('.', at);
      end = end < 0 ? address.length() : end;
      return end > at && matches(address, end, tokenIndex + 1, identity);
    }
    String claim = ((Claim) token).name();
    for (String raw : identity.claimValues(claim)) {
      String value = partOf(claim, raw);
      if (!value.isEmpty() && address.startsWith(value, at) && matches(address, at + value.length(), tokenIndex + 1, identity)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The one address part a claim's value stands for: a group as its address names it (a group
   * whose name is not one part has no address, and stands for nothing), any other value as
   * {@link AddressSyntax#part} writes it, so that no value spans parts.
   */
  private static String partOf(String claim, String value) {
    if ("groups".equals(claim)) {
      return AddressSyntax.isPart(value) ? value : "";
    }
    return AddressSyntax.part(value);
  }

  @Override
  public String toString() {
    return source;
  }
}
