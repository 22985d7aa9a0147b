package org.portcullis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.control.ControlServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code portcullis queue ...}: the outbound and inbound queue of the running server, through its
 * control socket ({@code <data-dir>/control.sock}).
 */
@Command(name = "queue", description = "The running server's queue: list, show, flush, hold, release, delete.",
    subcommands = {QueueCommand.ListQueue.class, QueueCommand.Show.class, QueueCommand.Flush.class,
        QueueCommand.Hold.class, QueueCommand.Release.class, QueueCommand.Delete.class})
final class QueueCommand implements Runnable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, show, flush, hold, "
        + "release, delete");
  }

  /** Sends one command to the running server and hands its answer on; an error answer is exit status 1. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract String command();

    abstract void print(JsonNode answer, PrintWriter out);

    @Override
    public Integer call() {
      Logs.level("warn");
      PortcullisConfig loaded = config.load();
      Path socket = loaded.controlSocket();
      String text;
      try {
        text = ControlServer.request(socket, command());
      } catch (IOException e) {
        throw new CliException(1, "cannot reach the running server at " + socket + " (" + e.getMessage()
            + "); is `portcullis serve` running with this configuration?");
      }
      JsonNode answer = JSON.readTree(text);
      if (answer.has("error")) {
        throw new CliException(1, answer.get("error").asString());
      }
      print(answer, spec.commandLine().getOut());
      return 0;
    }
  }

  static String id(String given) {
    if (given.length() > 32 || !given.matches("[0-9A-Za-z]+")) {
      throw new CliException(2, "not a queue id: \"" + CliText.printable(given) + "\"");
    }
    return given;
  }

  @Command(name = "list", description = "Every message in the queue: id, arrival, size, state (active, deferred, "
      + "held), sender, each recipient's state and the last error.")
  static final class ListQueue extends Base {
    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    String command() {
      return "list";
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      if (json) {
        out.println(answer.get("messages").toString());
        return;
      }
      int count = 0;
      for (JsonNode m : answer.get("messages")) {
        count++;
        out.printf("%-12s %-24s %8d %-8s %s%n", m.get("id").asString(), m.get("arrival").asString(),
            m.get("size").asLong(), m.get("state").asString(), CliText.printable(m.get("sender").asString()));
        for (JsonNode r : m.get("recipients")) {
          out.printf("    %-9s %s%n", r.get("state").asString(), CliText.printable(r.get("address").asString()));
        }
        if (!m.get("lastError").asString().isEmpty()) {
          out.println("    last error: " + CliText.printable(m.get("lastError").asString()));
        }
      }
      out.println(count == 0 ? "the queue is empty" : count + (count == 1 ? " message" : " messages"));
    }
  }

  @Command(name = "show", description = "One message: envelope, states, attempts, last error and its headers.")
  static final class Show extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    String command() {
      return "show " + id(id);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      JsonNode m = answer.get("message");
      for (String field : new String[] {"id", "arrival", "size", "state", "sender", "client", "helo", "attempts",
          "nextAttempt", "lastError"}) {
        JsonNode v = m.get(field);
        if (v != null && !v.isNull()) {
          out.printf("%-12s %s%n", field, CliText.printable(v.asString()));
        }
      }
      for (JsonNode r : m.get("recipients")) {
        out.printf("%-12s %s %s%n", "recipient", CliText.printable(r.get("address").asString()),
            r.get("state").asString());
      }
      out.println();
      out.print(m.get("headers").asString().replace("\r\n", "\n"));
    }
  }

  @Command(name = "flush", description = "Try deferred messages now (all, or one).")
  static final class Flush extends Base {
    @Parameters(paramLabel = "ID", arity = "0..1")
    String id;

    @Override
    String command() {
      return id == null ? "flush" : "flush " + id(id);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      out.println("flushed " + answer.get("flushed").asInt() + " deferred message(s)");
    }
  }

  /** hold, release and delete: one id, one line of confirmation. */
  abstract static class OnOne extends Base {
    @Parameters(paramLabel = "ID")
    String id;

    abstract String verb();

    @Override
    String command() {
      return verb() + " " + id(id);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      out.println(answer.get("id").asString() + " " + (verb().equals("hold") ? "held" : verb() + "d"));
    }
  }

  @Command(name = "hold", description = "Keep a message from delivery until released (kept across restarts).")
  static final class Hold extends OnOne {
    @Override
    String verb() {
      return "hold";
    }
  }

  @Command(name = "release", description = "Release a held message and try it now.")
  static final class Release extends OnOne {
    @Override
    String verb() {
      return "release";
    }
  }

  @Command(name = "delete", description = "Delete a message: no delivery, no bounce.")
  static final class Delete extends OnOne {
    @Override
    String verb() {
      return "delete";
    }
  }
}
