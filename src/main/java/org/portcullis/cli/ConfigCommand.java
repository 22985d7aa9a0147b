package org.portcullis.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.portcullis.config.PortcullisConfig;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** A command that reads the configuration ({@code --config}), logs only warnings, and runs on it. */
abstract class ConfigCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() throws Exception {
    Logs.level("warn");
    return run(config.load());
  }

  /** @return the exit status */
  abstract int run(PortcullisConfig loaded) throws Exception;
}
