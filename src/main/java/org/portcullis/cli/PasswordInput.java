package org.portcullis.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password for the user commands: typed at the terminal (not echoed), or the first line of standard input. */
final class PasswordInput {

  private PasswordInput() {}

  static String read() throws IOException {
    Console console = System.console();
    if (console != null && console.isTerminal()) {
      char[] typed = console.readPassword("Password (at least 12 characters): ");
      return typed == null ? "" : new String(typed);
    }
    String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new CliException(2, "no password on standard input");
    }
    return line;
  }
}
