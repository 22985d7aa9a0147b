package org.portcullis.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.blocklist.RbldnsdExport;
import org.portcullis.mail.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Our blocklist to and from files: {@code blocklist import} (one address or network per line) and
 * {@code blocklist export} (rbldnsd's ip4set and ip6trie).
 */
final class BlocklistFileCommands {

  private BlocklistFileCommands() {}

  @Command(name = "import", description = "List every address or network in a file (one per line, # comments). "
      + "A file with any bad line changes nothing.")
  static final class Import extends BlocklistCommand.Base {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--category", description = "Default manual.")
    String category = "manual";

    @Option(names = "--note", description = "Evidence note for every entry.")
    String note = "imported";

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new CliException(2, file + " is not a file");
      }
      List<Cidr> networks = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      try (var lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int lineNumber = 0;
        String line;
        while ((line = lines.readLine()) != null) {
          lineNumber++;
          String entry = line.replaceFirst("#.*", "").strip();
          if (entry.isEmpty()) {
            continue;
          }
          try {
            networks.add(Cidr.parse(entry));
          } catch (IllegalArgumentException e) {
            if (errors.size() < 20) {
              errors.add("line " + lineNumber + ": " + CliText.printable(e.getMessage()));
            }
          }
          if (networks.size() > 20_000_000) {
            throw new CliException(2, "more than 20,000,000 entries");
          }
        }
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new CliException(2, file + " is not a text file (UTF-8): nothing imported");
      }
      if (!errors.isEmpty()) {
        throw new CliException(2, "nothing imported; fix these lines first:\n  " + String.join("\n  ", errors));
      }
      int written = blocklist.importAll(networks, BlocklistCommand.category(category),
          Evidence.note(blocklist.clock().instant(), "import", "", CliText.text(note, "--note")));
      out().println("imported " + written + " listing(s) from " + file);
      return 0;
    }
  }

  @Command(name = "export", description = "Write the active listings for rbldnsd: <zone>.ip4set and <zone>.ip6trie.")
  static final class Export extends BlocklistCommand.Base {
    @Option(names = "--format", description = "rbldnsd (the only format).")
    String format = "rbldnsd";

    @Option(names = "--output-dir", description = "Where to write (default: the current directory).")
    Path dir = Path.of(".");

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (!format.equals("rbldnsd")) {
        throw new CliException(2, "unknown format \"" + CliText.printable(format) + "\"; the format is rbldnsd");
      }
      LiveListings live = new LiveListings(blocklist);
      live.refresh();
      ListingIndex index = live.current();
      RbldnsdExport export = new RbldnsdExport(loaded.dnsblServer(), live.sequence());
      Files.createDirectories(dir);
      String zone = loaded.blocklist().zone();
      Path v4 = dir.resolve(zone + ".ip4set");
      Path v6 = dir.resolve(zone + ".ip6trie");
      int n4;
      int n6;
      try (BufferedWriter w = Files.newBufferedWriter(v4, StandardCharsets.UTF_8)) {
        n4 = export.writeIp4set(index, w);
      }
      try (BufferedWriter w = Files.newBufferedWriter(v6, StandardCharsets.UTF_8)) {
        n6 = export.writeIp6trie(index, w);
      }
      out().println("wrote " + n4 + " entries to " + v4 + " and " + n6 + " to " + v6);
      out().println("serve with: rbldnsd -n -b 127.0.0.1/5301 " + zone + ":ip4set:" + v4.toAbsolutePath() + " "
          + zone + ":ip6trie:" + v6.toAbsolutePath());
      return 0;
    }
  }
}
