package org.portcullis.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One CLI run in-process: the exit code and what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

  /** Runs {@code command subcommand -c config rest...}: the config option goes after the subcommand. */
  static CliRun withConfig(String config, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, 2);
    all[2] = "-c";
    all[3] = config;
    System.arraycopy(args, 2, all, 4, args.length - 2);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }
}
