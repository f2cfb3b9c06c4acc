package dev.cachet.examples;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Says in one line what went wrong, for an {@code error:} line: the message of each exception in
 * the cause chain, or what its type means when it has none. The JDK leaves many messages empty (a
 * refused connection is a {@link ConnectException} with a null message) or makes them only a path
 * (a {@link FileSystemException}), which alone tell a newcomer nothing.
 */
public final class Errors {
  private Errors() {}

  /**
   * An {@link IOException} saying what failed, then why, in one line: {@code what + ": " +
   * describe(cause)}. Its cause is kept for a stack trace, but {@link #describe(Throwable)} of it
   * stops at its message, which says it all already.
   */
  public static IOException because(String what, Throwable cause) {
    return new Described(what + ": " + describe(cause), cause);
  }

  /**
   * As {@link #because(String, Throwable)}, naming the cause's file only where it is not {@code
   * file}.
   */
  public static IOException because(String what, Throwable cause, Path file) {
    return new Described(what + ": " + describe(cause, file), cause);
  }

  /** An error whose message already describes its causes. */
  private static final class Described extends IOException {
    private static final long serialVersionUID = 1L;

    Described(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One line describing {@code error} and its causes, never null or empty. */
  public static String describe(Throwable error) {
    Set<String> parts = new LinkedHashSet<>();
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = error; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      if (t instanceof Described) {
        parts.add(t.getMessage());
        break;
      }
      String part = part(t, t == error);
      if (part != null && parts.stream().noneMatch(p -> p.contains(part))) {
        parts.add(part);
      }
    }
    return parts.isEmpty() ? error.getClass().getName() : String.join(": ", parts);
  }

  /**
   * As {@link #describe(Throwable)}, for an error about {@code file}, which the caller names
   * already: a file system error about that same file says only what went wrong with it.
   */
  public static String describe(Throwable error, Path file) {
    String said = describe(error);
    String prefix = file + " (";
    if (said.startsWith(prefix) && said.indexOf(')') == said.length() - 1) {
      return said.substring(prefix.length(), said.length() - 1);
    }
    if (said.startsWith(prefix)) {
      int close = said.indexOf(')');
      return said.substring(prefix.length(), close) + said.substring(close + 1);
    }
    return said;
  }

  private static String part(Throwable t, boolean first) {
    if (t instanceof FileSystemException fs) {
      String what = fs.getReason() != null ? fs.getReason() : fileProblem(fs);
      String file = fs.getFile() == null ? "" : fs.getFile();
      String other = fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile();
      return file.isEmpty() ? what : file + other + " (" + what + ")";
    }
    String message = t.getMessage();
    if (message != null && !message.isBlank()) {
      return message.strip();
    }
    if (t instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (t instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (t instanceof ConnectException) {
      return "cannot connect (connection refused or unreachable)";
    }
    // A bare type name is better than nothing for the error itself; for a cause it is noise.
    return first ? t.getClass().getSimpleName() : null;
  }

  private static String fileProblem(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    return e.getClass().getSimpleName();
  }
}
