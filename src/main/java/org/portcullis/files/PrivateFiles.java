package org.portcullis.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Files only the service's user may read: the store (password and token hashes), the spool and
 * Maildirs (message content), keys. Directories are made 0700 and files 0600 whatever the umask
 * (Java cannot set one); on a file system without POSIX permissions the attributes are left out.
 * Thread-safe (stateless).
 */
public final class PrivateFiles {

  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
      .contains("posix");

  private PrivateFiles() {}

  /** Creates {@code dir} and any missing parents as 0700 (parents that exist are left alone). */
  public static Path createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null && !Files.exists(parent)) {
      createDirectories(parent);
    }
    try {
      if (POSIX) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        Files.setPosixFilePermissions(dir, DIRECTORY); // the umask may have narrowed the mode asked for; never widened
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException raced) {
      // made by another thread meanwhile
    }
    return dir;
  }

  /** Opens (creating as 0600 when it does not exist) a file channel. */
  public static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
    if (POSIX) {
      FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE);
      return FileChannel.open(file, options, mode);
    }
    return FileChannel.open(file, options);
  }

  /**
   * Why a file operation failed, in words: the JDK's exceptions often carry only the path
   * ({@code AccessDeniedException: /var/lib/x}).
   */
  public static String why(IOException e) {
    String file = e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null ? fs.getFile() + ": " : "";
    return switch (e) {
      case java.nio.file.AccessDeniedException a -> file + "permission denied";
      case java.nio.file.FileAlreadyExistsException a -> file + "exists and is not a directory";
      case java.nio.file.NotDirectoryException a -> file + "not a directory";
      case java.nio.file.NoSuchFileException a -> file + "no such file or directory";
      case java.nio.file.FileSystemException fs when fs.getReason() != null -> file + fs.getReason();
      default -> file + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    };
  }

  /**
   * Makes sure {@code dir} is a directory this process can write, creating it (0700) if needed.
   *
   * @throws IOException naming {@code key} and saying why not
   */
  public static void usableDirectory(Path dir, String key) throws IOException {
    try {
      createDirectories(dir);
    } catch (IOException e) {
      throw new IOException(key + " = \"" + dir + "\" cannot be used: " + why(e), e);
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException(key + " = \"" + dir + "\" cannot be used: it exists and is not a directory");
    }
    if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
      throw new IOException(key + " = \"" + dir + "\" cannot be used: this user may not write there");
    }
  }

  /** Makes an existing file 0600 (or a directory 0700). */
  public static void restrict(Path path) throws IOException {
    if (POSIX && Files.exists(path)) {
      Files.setPosixFilePermissions(path, Files.isDirectory(path) ? DIRECTORY : FILE);
    }
  }

  /**
   * The paths, of those given and what a data directory holds at its top (the store's files),
   * that group or others may read or enter, each with its mode, for a warning at start.
   */
  public static List<String> looser(List<Path> paths) throws IOException {
    List<String> out = new ArrayList<>();
    if (!POSIX) {
      return out;
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        continue;
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p);
      EnumSet<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
      for (PosixFilePermission bit : mode) {
        if (bit.name().startsWith("GROUP") || bit.name().startsWith("OTHERS")) {
          open.add(bit);
        }
      }
      if (!open.isEmpty()) {
        out.add(p + " (" + PosixFilePermissions.toString(mode) + ")");
      }
    }
    return out;
  }
}
