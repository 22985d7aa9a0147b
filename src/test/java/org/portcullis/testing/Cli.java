package org.portcullis.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.portcullis.cli.Main;

/** The command line in-process, for tests outside the cli package: the exit code and what it printed. */
public final class Cli {

  private Cli() {}

  /** One run's outcome. */
  public record Run(int code, String out, String err) {}

  /** Runs {@code args... -c config}. */
  public static Run run(Path config, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }
}
