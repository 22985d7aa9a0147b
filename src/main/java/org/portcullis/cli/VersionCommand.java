package org.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().getOut().println("portcullis " + version() + " (Java " + Runtime.version() + ")");
  }

  static String version() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("/portcullis-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** For {@code --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"portcullis " + version()};
    }
  }
}
