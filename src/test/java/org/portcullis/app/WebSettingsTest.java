package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.config.ConfigLoader;
import org.slf4j.LoggerFactory;

/** Issue 12: admin pages served over plain HTTP to the network are warned about at start (nothing is bound here). */
class WebSettingsTest {

  @TempDir
  Path dir;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("portcullis");

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(logged);
  }

  private boolean warned(String web) throws Exception {
    logged.list.clear();
    Gateway.webSettings(ConfigLoader.parse("[server]\ndata-dir = \"" + dir + "\"\n[web]\n" + web));
    return logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("over plain HTTP to the network"));
  }

  @Test
  void adminPagesOverPlainHttpOnANetworkAddressAreWarnedAbout() throws Exception {
    assertThat(warned("listen = \"0.0.0.0:8080\"\n")).isTrue();
    assertThat(warned("listen = \"127.0.0.1:8080\"\n")).as("loopback, behind a proxy").isFalse();
    assertThat(warned("listen = \"0.0.0.0:8080\"\nadmin-enabled = false\n")).as("the tenant portal logs in too")
        .isTrue();
    assertThat(warned("listen = \"0.0.0.0:8080\"\nadmin-enabled = false\ntenant-enabled = false\n")).isFalse();
  }

  @Test
  void thePublicAddressDefaultsToWhereTheListenerIs() {
    assertThat(ConfigLoader.parse("[web]\nlisten = \"127.0.0.1:8080\"\n").web().publicUrl())
        .isEqualTo("http://127.0.0.1:8080");
    assertThat(ConfigLoader.parse("[server]\nhostname = \"mx.example.org\"\n[web]\nlisten = \"0.0.0.0:80\"\n").web()
        .publicUrl()).isEqualTo("http://mx.example.org");
    assertThat(ConfigLoader.parse("[web]\npublic-url = \"https://mx.example.org/\"\n").web().publicUrl())
        .isEqualTo("https://mx.example.org");
  }
}
