package org.portcullis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.portcullis.config.ConfigLoader;
import org.portcullis.config.PortcullisConfig;
import picocli.CommandLine.Option;

/** The {@code --config} option every command shares. */
final class ConfigOption {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Configuration file (default: ./portcullis.toml if it exists, else built-in defaults).")
  Path file;

  /** The file to read: the option, else ./portcullis.toml if it exists, else none (defaults). */
  Optional<Path> path() {
    if (file != null) {
      return Optional.of(file);
    }
    Path local = Path.of(ConfigLoader.DEFAULT_FILE);
    return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
  }

  PortcullisConfig load() {
    return ConfigLoader.load(path());
  }

  String describe() {
    return path().map(Path::toString).orElse("built-in defaults (no portcullis.toml)");
  }
}
