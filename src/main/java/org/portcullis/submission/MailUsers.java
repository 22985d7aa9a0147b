package org.portcullis.submission;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.access.Passwords;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.HeloName;

/**
 * The users of the submission listener: logins with Argon2id password hashes ({@link Passwords})
 * and the senders each may use. Thread-safe.
 */
public final class MailUsers {

  private static final Pattern PLAIN_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  static final int PASSWORD_MIN = 12;
  static final int PASSWORD_MAX = 1024;
  static final int NAME_MAX = 254;
  static final int SENDERS_MAX = 1000;
  /** Verified when the name is unknown, so a wrong name costs as long as a wrong password. */
  private static final String DUMMY = Passwords.hash("not a password of anyone");

  private final MailUserStore store;
  private final Clock clock;

  public MailUsers(MailUserStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Adds a user.
   *
   * @param senders addresses and {@code @domain}s the user may send as, besides the login itself
   *     when it is an address
   * @throws IllegalArgumentException for a bad name, password or sender, a name that is taken, or
   *     a user who could send as no one
   */
  public MailUser create(String name, String password, List<String> senders, boolean anySender) {
    String login = normalName(name);
    checkPassword(password);
    List<String> owned = normalSenders(senders);
    if (!login.contains("@") && owned.isEmpty() && !anySender) {
      throw new IllegalArgumentException("the login " + login + " is not an address: give the addresses it may send "
          + "as with --sender (or --any-sender for a trusted application)");
    }
    MailUser user = new MailUser(login, Passwords.hash(password), owned, anySender, clock.instant());
    if (!store.add(user)) {
      throw new IllegalArgumentException("there is already a user " + login);
    }
    return user;
  }

  /** @throws IllegalArgumentException for a bad password or an unknown user */
  public void changePassword(String name, String password) {
    checkPassword(password);
    if (!store.setPassword(normalName(name), Passwords.hash(password))) {
      throw new IllegalArgumentException("no user " + name);
    }
  }

  /** @throws IllegalArgumentException for a bad sender or an unknown user */
  public void changeSenders(String name, List<String> senders, boolean anySender) {
    if (!store.setSenders(normalName(name), normalSenders(senders), anySender)) {
      throw new IllegalArgumentException("no user " + name);
    }
  }

  /** The user, if {@code password} is theirs. Costs one Argon2id verification whatever the name. */
  public Optional<MailUser> authenticate(String name, String password) {
    Optional<String> login = validName(name);
    if (login.isEmpty() || password == null || password.length() > PASSWORD_MAX) {
      Passwords.verify("x", DUMMY);
      return Optional.empty();
    }
    Optional<MailUser> user = store.find(login.get());
    boolean ok = Passwords.verify(password, user.map(MailUser::passwordHash).orElse(DUMMY));
    return ok ? user : Optional.empty();
  }

  public Optional<MailUser> find(String name) {
    return validName(name).flatMap(store::find);
  }

  public List<MailUser> list() {
    return store.list();
  }

  public boolean remove(String name) {
    return validName(name).map(store::remove).orElse(false);
  }

  /** The login in its stored form (lower case), if it can be one. */
  static Optional<String> validName(String name) {
    if (name == null || name.isEmpty() || name.length() > NAME_MAX) {
      return Optional.empty();
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (PLAIN_NAME.matcher(lower).matches()) {
      return Optional.of(lower);
    }
    try {
      EmailAddress address = EmailAddress.parse(lower);
      return address.isInternational() || address.isDomainLiteral() ? Optional.empty() : Optional.of(lower);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String normalName(String name) {
    return validName(name).orElseThrow(() -> new IllegalArgumentException("a login is an e-mail address, or 1 to 64 "
        + "lower-case letters, digits, dots, dashes or underscores"));
  }

  private static List<String> normalSenders(List<String> senders) {
    if (senders.size() > SENDERS_MAX) {
      throw new IllegalArgumentException("at most " + SENDERS_MAX + " senders per user");
    }
    List<String> out = new ArrayList<>();
    for (String given : senders) {
      String s = given.strip().toLowerCase(Locale.ROOT);
      boolean ok;
      if (s.startsWith("@")) {
        HeloName domain = HeloName.parse(s.substring(1));
        ok = domain.isDomain() && domain.isFullyQualified();
      } else {
        ok = validName(s).filter(n -> n.contains("@")).isPresent();
      }
      if (!ok) {
        throw new IllegalArgumentException("\"" + given + "\" is neither an address nor @domain");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static void checkPassword(String password) {
    if (password.length() < PASSWORD_MIN || password.length() > PASSWORD_MAX) {
      throw new IllegalArgumentException("a password has " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters");
    }
  }
}
