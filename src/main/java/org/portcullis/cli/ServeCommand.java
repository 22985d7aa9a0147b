package org.portcullis.cli;

import java.util.concurrent.CountDownLatch;
import org.portcullis.app.Gateway;
import org.portcullis.config.PortcullisConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code portcullis serve}: run the gateway until stopped (SIGTERM or Ctrl-C). */
@Command(name = "serve", description = "Run the gateway until stopped.")
final class ServeCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger("portcullis");

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    PortcullisConfig loaded = config.load();
    Logs.level(loaded.log().level());
    Gateway gateway = Gateway.start(loaded);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      gateway.close();
      stopped.countDown();
    }, "shutdown"));
    log.info("Portcullis {} ready: SMTP on {}:{}, submission {}, DNSBL {}, web {}, policy service {}, host name {}, "
        + "data in {}, config: {}",
        VersionCommand.version(), gateway.smtpAddress().getAddress().getHostAddress(), gateway.smtpAddress().getPort(),
        gateway.submissionAddress().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()
            + gateway.implicitTlsAddress().map(i -> " (implicit TLS " + i.getAddress().getHostAddress() + ":"
                + i.getPort() + ")").orElse("")).orElse("off"),
        gateway.blocklists().serverAddress().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).orElse("off"),
        gateway.webPort().map(p -> loaded.web().listen().getAddress().getHostAddress() + ":" + p).orElse("off"),
        gateway.policyServicePort().map(p -> loaded.policyService().listen().getAddress().getHostAddress() + ":" + p)
            .orElse("off"),
        loaded.server().hostname(), loaded.server().dataDir().toAbsolutePath().normalize(), config.describe());
    stopped.await();
    return 0;
  }
}
