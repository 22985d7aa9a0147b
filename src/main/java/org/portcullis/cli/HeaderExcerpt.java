package org.portcullis.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.policy.MessageHeaders;
import org.portcullis.policy.checks.SpamTrapCheck;

/** Reads a message file's header section (never its body) into an evidence excerpt. */
final class HeaderExcerpt {

  private static final int HEADER_BYTES_MAX = 256 * 1024;

  private HeaderExcerpt() {}

  static String of(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new CliException(2, file + " is not a file");
    }
    List<MessageHeaders.Field> fields = new ArrayList<>();
    int read = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      StringBuilder current = null;
      String name = null;
      while ((line = in.readLine()) != null && !line.isEmpty() && read < HEADER_BYTES_MAX) {
        read += line.length() + 2;
        if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
          current.append(' ').append(line.strip());
          continue;
        }
        if (current != null) {
          fields.add(new MessageHeaders.Field(name, current.toString()));
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          current = null;
          continue;
        }
        name = line.substring(0, colon).strip();
        current = new StringBuilder(line.substring(colon + 1).strip());
      }
      if (current != null) {
        fields.add(new MessageHeaders.Field(name, current.toString()));
      }
    }
    return SpamTrapCheck.excerpt(new MessageHeaders(fields));
  }
}
