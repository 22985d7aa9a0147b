package org.portcullis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads what a user hands the CLI (a file, a pipe, a device, standard input) up to a limit, and
 * never more: the limit must hold where the size is not known in advance ({@code /dev/zero} has size
 * 0 and no end). Over the limit is exit status 2, with nothing changed.
 */
final class BoundedInput {

  private BoundedInput() {}

  /** All of {@code file} (at most {@code max} bytes), reading at most {@code max + 1}. */
  static byte[] read(Path file, long max, String limitKey) throws IOException {
    if (Files.isDirectory(file)) {
      throw new CliException(2, file + " is a directory");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, max, file.toString(), limitKey);
    } catch (NoSuchFileException e) {
      throw new CliException(2, "no such file: " + file);
    }
  }

  static byte[] read(InputStream in, long max, String what, String limitKey) throws IOException {
    byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (content.length > max) {
      throw new CliException(2, what + " is larger than " + max + " bytes (" + limitKey + "); nothing was changed");
    }
    return content;
  }

  /** The first line of {@code in} (without its end), at most {@code max} characters' worth of bytes. */
  static String firstLine(InputStream in, int max, String what) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      if (line.size() >= max) {
        throw new CliException(2, what + " is longer than " + max + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
