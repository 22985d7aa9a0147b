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

  public AdminUsers(AdminUserStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
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
