package io.herald.bench;

/**
 * The addresses under test and, per address, the next sequence number to publish. Herald addresses
 * are {@code public.<name>} (one address), a full address given as is (W3: {@code user.w3}, which
 * keeps history, or {@code public.w3}), or {@code user.u<i>} (one per user); Nchan channels are
 * {@code <name>} or {@code u<i>}.
 */
final class AddressBook {

  final String[] names;
  final long[] nextSeq;

  private AddressBook(String[] names) {
    this.names = names;
    this.nextSeq = new long[names.length];
  }

  static AddressBook single(boolean herald, String name) {
    return new AddressBook(new String[] {herald ? "public." + name : name});
  }

  /** One Herald address, exactly as given. */
  static AddressBook address(String address) {
    return new AddressBook(new String[] {address});
  }

  static AddressBook perUser(boolean herald, int users) {
    String[] names = new String[users];
    for (int i = 0; i < users; i++) {
      names[i] = herald ? "user.u" + i : "u" + i;
    }
    return new AddressBook(names);
  }

  int size() {
    return names.length;
  }

  /** The user id subscribing to address {@code i} when there is one address per user. */
  static String user(int i) {
    return "u" + i;
  }
}
