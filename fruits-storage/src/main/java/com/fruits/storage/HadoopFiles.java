package com.fruits.storage;

import com.fruits.core.FruitsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Small helpers over Hadoop's FileSystem API, so the jobs treat local disk, HDFS and S3 alike. */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** {@code child} inside the folder URI {@code dir} (which may or may not end with a slash). */
  public static String child(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }

  public static FileSystem fileSystem(String uri, Configuration conf) {
    try {
      return new Path(uri).getFileSystem(conf);
    } catch (IOException e) {
      throw new FruitsException("cannot access " + uri + ": " + oneLine(e));
    }
  }

  /** {@code uri} with scheme and authority, as listings write paths ({@code work} → {@code file:/home/me/work}). */
  public static String qualified(String uri, Configuration conf) {
    Path path = new Path(uri);
    return fileSystem(uri, conf).makeQualified(path).toString();
  }

  public static boolean exists(String uri, Configuration conf) {
    try {
      return fileSystem(uri, conf).exists(new Path(uri));
    } catch (IOException e) {
      throw new FruitsException("cannot access " + uri + ": " + oneLine(e));
    }
  }

  /** True when {@code uri} exists and is a non-empty directory or a file. */
  public static boolean existsWithContent(String uri, Configuration conf) {
    try {
      FileSystem fs = fileSystem(uri, conf);
      Path path = new Path(uri);
      if (!fs.exists(path)) {
        return false;
      }
      FileStatus status = fs.getFileStatus(path);
      return status.isFile() || fs.listStatus(path).length > 0;
    } catch (IOException e) {
      throw new FruitsException("cannot access " + uri + ": " + oneLine(e));
    }
  }

  public static void delete(String uri, Configuration conf) {
    try {
      fileSystem(uri, conf).delete(new Path(uri), true);
    } catch (IOException e) {
      throw new FruitsException("cannot delete " + uri + ": " + oneLine(e));
    }
  }

  /** Renames (moves) {@code from} to {@code to}, which must not exist yet. */
  public static void rename(String from, String to, Configuration conf) {
    try {
      if (!fileSystem(from, conf).rename(new Path(from), new Path(to))) {
        throw new FruitsException("cannot rename " + from + " to " + to);
      }
    } catch (IOException e) {
      throw new FruitsException("cannot rename " + from + " to " + to + ": " + oneLine(e));
    }
  }

  /**
   * Gets an output folder ready before any work: an existing one is refused unless {@code replace} or
   * {@code keep} is set ({@code replace} deletes it; {@code keep} leaves it for appending), then the folder is
   * created and proven writable.
   */
  public static void prepareOutput(String out, boolean replace, boolean keep, String keepFlag, Configuration conf) {
    if (existsWithContent(out, conf)) {
      if (!replace && !keep) {
        throw new FruitsException("output " + out + " already exists; pass --overwrite to replace it"
            + (keepFlag == null ? "" : " or " + keepFlag));
      }
      if (replace) {
        delete(out, conf);
      }
    }
    checkWritable(out, conf);
  }

  /** Creates {@code dir} and writes then removes a probe file, so an unwritable output fails before any work. */
  public static void checkWritable(String dir, Configuration conf) {
    Path probe = new Path(dir, "_fruits_write_probe");
    try {
      FileSystem fs = fileSystem(dir, conf);
      fs.mkdirs(new Path(dir));
      try (OutputStream out = fs.create(probe, true)) {
        out.write('.');
      }
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new FruitsException("cannot write to output " + dir + ": " + oneLine(e));
    }
  }

  public static void writeString(String uri, String text, Configuration conf) {
    try (OutputStream out = fileSystem(uri, conf).create(new Path(uri), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FruitsException("cannot write " + uri + ": " + oneLine(e));
    }
  }

  public static String readString(String uri, Configuration conf) {
    try (InputStream in = fileSystem(uri, conf).open(new Path(uri))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new FruitsException("cannot read " + uri + ": " + oneLine(e));
    }
  }

  public static void writeBytes(String uri, byte[] bytes, Configuration conf) {
    try (OutputStream out = fileSystem(uri, conf).create(new Path(uri), true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new FruitsException("cannot write " + uri + ": " + oneLine(e));
    }
  }

  /**
   * A SHA-256 over the names, sizes and modification times of the files under {@code dir}: changes whenever the
   * data written there changes, without reading it. Used to reuse a stage whose input is unchanged.
   */
  public static String fingerprint(String dir, Configuration conf) {
    try {
      FileSystem fs = fileSystem(dir, conf);
      java.util.List<String> entries = new java.util.ArrayList<>();
      org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(new Path(dir), true);
      while (files.hasNext()) {
        org.apache.hadoop.fs.LocatedFileStatus f = files.next();
        String name = f.getPath().getName();
        if (!name.startsWith(".")) {
          entries.add(f.getPath().toUri().getPath() + "|" + f.getLen() + "|" + f.getModificationTime());
        }
      }
      java.util.Collections.sort(entries);
      return com.fruits.core.Hashing.sha256Hex(String.join("\n", entries));
    } catch (IOException e) {
      throw new FruitsException("cannot list " + dir + ": " + oneLine(e));
    }
  }

  /**
   * Reads a whole file whose length is known from the listing (negative: not known). Local files go through plain
   * NIO: Hadoop's checksummed local file system also looks for a .crc, and forks a shell for a file's status.
   */
  public static byte[] readFully(FileSystem fs, Path path, long length) throws IOException {
    if (fs instanceof LocalFileSystem) {
      return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(fs.makeQualified(path).toUri()));
    }
    if (length < 0) {
      try (FSDataInputStream in = fs.open(path)) {
        return in.readAllBytes();
      }
    }
    byte[] bytes = new byte[Math.toIntExact(length)];
    try (FSDataInputStream in = fs.open(path)) {
      in.readFully(0, bytes);
    }
    return bytes;
  }

  /** The first line of an exception's message, or its class name. */
  public static String oneLine(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.lines().findFirst().orElse(message).trim();
  }

  /** A Hadoop {@link Configuration} that can travel inside a Spark closure. */
  public static final class SerializableConfiguration implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Configuration conf;

    public SerializableConfiguration(Configuration conf) {
      this.conf = conf;
    }

    public Configuration get() {
      return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (var data = new java.io.DataOutputStream(bytes)) {
        conf.write(data);
      }
      out.writeObject(bytes.toByteArray());
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      byte[] bytes = (byte[]) in.readObject();
      conf = new Configuration(false);
      conf.readFields(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes)));
    }
  }
}
