package org.portcullis.smtp;

import java.util.Locale;

/** How many of each command a session received, for its disconnect log line (as Postfix logs them). */
final class CommandCounts {

  /** The commands we count by name; everything else is {@code UNKNOWN}. */
  enum Command { EHLO, HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, VRFY, HELP, STARTTLS, XCLIENT, AUTH, UNKNOWN }

  private final int[] counts = new int[Command.values().length];

  void count(Command command) {
    counts[command.ordinal()]++;
  }

  /** {@code "ehlo=1 mail=1 rcpt=2 data=1 quit=1 commands=6 errors=0"}. */
  String summary(int errors) {
    StringBuilder out = new StringBuilder();
    int total = 0;
    for (Command c : Command.values()) {
      int n = counts[c.ordinal()];
      if (n > 0) {
        out.append(c.name().toLowerCase(Locale.ROOT)).append('=').append(n).append(' ');
        total += n;
      }
    }
    return out.append("commands=").append(total).append(" errors=").append(errors).toString();
  }
}
