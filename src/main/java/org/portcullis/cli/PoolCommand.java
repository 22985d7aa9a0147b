package org.portcullis.cli;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.delivery.SourcePool;
import org.portcullis.mail.Addresses;
import org.portcullis.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/** {@code portcullis pool status}: the outbound source addresses and why any is not used. */
@Command(name = "pool", description = "The outbound source-address pool (delivery.source-addresses).",
    subcommands = {PoolCommand.Status.class})
final class PoolCommand implements Runnable {


  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: status");
  }

  @Command(name = "status", description = "Each source address: healthy, or suspended (why, since, until, for "
      + "which destination). Suspensions are made by the running server and kept in the store.")
  static final class Status extends StoreCommand {
    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    int run(Store store, PortcullisConfig loaded) throws Exception {
      List<InetAddress> addresses = loaded.delivery().sources().addresses();
      Instant now = Instant.now();
      List<SourcePool.Suspension> active = store.sourceSuspensions().load().stream()
          .filter(s -> addresses.contains(s.address()) && s.until().map(now::isBefore).orElse(true)).toList();
      if (json) {
        out().println(JsonMapper.builder().build().writeValueAsString(addresses.stream().map(a -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("address", Addresses.toText(a));
          List<SourcePool.Suspension> mine = active.stream().filter(s -> s.address().equals(a)).toList();
          m.put("state", mine.stream().anyMatch(s -> s.destination().isEmpty()) ? "suspended"
              : mine.isEmpty() ? "healthy" : "suspended for some destinations");
          m.put("suspensions", mine.stream().map(s -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("destination", s.destination().orElse("all"));
            x.put("reason", s.reason());
            x.put("since", s.since().toString());
            x.put("until", s.until().map(Instant::toString).orElse(null));
            x.put("by", s.fromHealthCheck() ? "dns-list check" : "remote refusal");
            return x;
          }).toList());
          return m;
        }).toList()));
        return 0;
      }
      if (addresses.isEmpty()) {
        out().println("no source addresses configured (delivery.source-addresses): connections come from the "
            + "address the system picks");
        return 0;
      }
      out().printf("%-18s %-10s %-20s %-18s %-18s %s%n", "ADDRESS", "STATE", "DESTINATION", "SINCE", "UNTIL", "WHY");
      for (InetAddress a : addresses) {
        List<SourcePool.Suspension> mine = active.stream().filter(s -> s.address().equals(a)).toList();
        if (mine.isEmpty()) {
          out().printf("%-18s %-10s%n", Addresses.toText(a), "healthy");
        }
        for (SourcePool.Suspension s : mine) {
          out().printf("%-18s %-10s %-20s %-18s %-18s %s%n", Addresses.toText(a), "suspended",
              s.destination().orElse("all"), CliText.TIME.format(s.since()),
              s.until().map(CliText.TIME::format).orElse("while listed"), CliText.printable(s.reason()));
        }
      }
      return 0;
    }
  }
}
