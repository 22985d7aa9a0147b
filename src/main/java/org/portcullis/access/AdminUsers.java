package org.portcullis.access;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users of the admin pages: names and Argon2id password hashes ({@link Passwords}). Thread-safe. */
public final class AdminUsers {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  static final int PASSWORD_MIN = 12;
  static final int PASSWORD_MAX = 1024;
  /** Verified when the name is unknown, so a wrong name costs as long as a wrong password. */
  private static final String DUMMY = Passwords.hash("not a password of anyone");

  private final AdminUserStore store;
  private final Clock clock;
  private final LoginThrottle throttle;

  /** With the default limits: 10 failures per client, 5 per account, within 15 minutes. */
  public AdminUsers(AdminUserStore store, Clock clock) {
    this(store, clock, new LoginThrottle(10, 5, java.time.Duration.ofMinutes(15), clock));
  }

  public AdminUsers(AdminUserStore store, Clock clock, LoginThrottle throttle) {
    this.store = store;
    this.clock = clock;
    this.throttle = throttle;
  }

  /** What a login attempt came to. */
  public sealed interface Login {
    record Accepted(String name) implements Login {}

    record Rejected() implements Login {}

    /** Not tried: too many failures from the client's network or for the account. */
    record Throttled(String why) implements Login {}
  }

  /**
   * A login from {@code client}: limited per client and per account ({@link LoginThrottle}), so a
   * guesser spread over many addresses gets a handful of tries per account, and the account's own
   * networks are not locked out by them.
   */
  public Login login(java.net.InetAddress client, String name, String password) {
    String key = name == null ? "" : name;
    Optional<String> refusal = throttle.refusal(client, key);
    if (refusal.isPresent()) {
      return new Login.Throttled(refusal.get());
    }
    Optional<String> user = authenticate(name, password);
    if (user.isEmpty()) {
      throttle.failed(client, key);
      return new Login.Rejected();
    }
    throttle.succeeded(client, user.get());
    return new Login.Accepted(user.get());
  }

  /**
   * @throws IllegalArgumentException for a bad name or password, or a name that is taken
   */
  public void create(String name, String password) {
    checkName(name);
    checkPassword(password);
    if (!store.add(name, Passwords.hash(password), clock.instant())) {
      throw new IllegalArgumentException("there is already a user " + name);
    }
  }

  /** @throws IllegalArgumentException for a bad password or an unknown user */
  public void changePassword(String name, String password) {
    checkPassword(password);
    if (!store.setPassword(name, Passwords.hash(password))) {
      throw new IllegalArgumentException("no user " + name);
    }
  }

  /** The user's name if the password is theirs. */
  public Optional<String> authenticate(String name, String password) {
    if (name == null || password == null || password.length() > PASSWORD_MAX || !NAME.matcher(name).matches()) {
      Passwords.verify("x", DUMMY);
      return Optional.empty();
    }
    Optional<AdminUserStore.User> user = store.find(name);
    boolean ok = Passwords.verify(password, user.map(AdminUserStore.User::passwordHash).orElse(DUMMY));
    return ok && user.isPresent() ? Optional.of(user.get().name()) : Optional.empty();
  }

  public List<AdminUserStore.User> list() {
    return store.list();
  }

  public boolean remove(String name) {
    return store.remove(name);
  }

  /** @throws IllegalArgumentException unless {@code name} can be a user name */
  public static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a user name is 1 to 64 lower-case letters, digits, dots, dashes or underscores");
    }
  }

  private static void checkPassword(String password) {
    if (password.length() < PASSWORD_MIN || password.length() > PASSWORD_MAX) {
      throw new IllegalArgumentException("a password has " + PASSWORD_MIN + " to " + PASSWORD_MAX + " characters");
    }
  }
}
