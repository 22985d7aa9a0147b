package org.portcullis.cli;

import java.io.Console;
import java.io.IOException;

/** Reads a password for the user commands: typed at the terminal (not echoed), or the first line of standard input. */
final class PasswordInput {

  private PasswordInput() {}

  static String read() throws IOException {
    Console console = System.console();
    if (console != null && console.isTerminal()) {
      char[] typed = console.readPassword("Password (at least 12 characters): ");
      return typed == null ? "" : new String(typed);
    }
    String line = BoundedInput.firstLine(System.in, 4096, "the password line");
    if (line.isEmpty()) {
      throw new CliException(2, "no password on standard input");
    }
    return line;
  }
}
