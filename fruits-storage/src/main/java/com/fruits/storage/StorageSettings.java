package com.fruits.storage;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Where storage settings come from. Credentials are never set here: s3a finds them in the standard places (its
 * default chain: {@code fs.s3a.access.key}/{@code secret.key} in the Hadoop configuration, the AWS environment
 * variables, {@code AWS_PROFILE}/{@code ~/.aws}, container and instance roles). The one thing the command line adds
 * is {@code --s3-endpoint} for S3-compatible stores: endpoint, path-style access, and plain HTTP when asked for.
 */
public final class StorageSettings {
  private StorageSettings() {}

  /** The Hadoop settings {@code --s3-endpoint} stands for (empty when it is null). */
  /** Which S3A committer writes to {@code s3a://}: {@code magic}, {@code directory} (staging) or {@code none}. */
  public static final String COMMITTER_SETTING = "spark.fruits.s3a.committer";

  /**
   * Spark settings that make every write to {@code s3a://} go through an S3A committer. The magic committer (the
   * default) writes each file as an uncompleted multipart upload and completes them all at job commit, so a failed job
   * leaves no partial table and nothing is renamed (on S3 a rename is a copy); {@code directory}, the staging
   * committer, does the same from local disk for stores without the magic committer's needs; {@code none} leaves the
   * cluster's own committer alone (EMR: its EMRFS S3-optimized committer, see docs/deploy.md). Other file systems keep
   * the classic committer. Empty when the job jar lacks the classes (the EMR build leaves them out).
   */
  public static Map<String, String> committers(String committer) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (!java.util.List.of("magic", "directory", "none").contains(committer)) {
      throw new IllegalArgumentException(COMMITTER_SETTING + " must be magic, directory or none, not " + committer);
    }
    if ("none".equals(committer) || !loadable("org.apache.spark.internal.io.cloud.PathOutputCommitProtocol")
        || !loadable("org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory")) {
      return settings;
    }
    settings.put("spark.hadoop.fs.s3a.committer.name", committer);
    settings.put("spark.hadoop.fs.s3a.committer.magic.enabled", "true");
    settings.put("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a",
        "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    settings.put("spark.sql.sources.commitProtocolClass",
        "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol");
    settings.put("spark.sql.parquet.output.committer.class",
        "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
    return settings;
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, StorageSettings.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  public static Map<String, String> forEndpoint(String endpoint) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (endpoint == null || endpoint.isBlank()) {
      return settings;
    }
    URI uri = URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint);
    settings.put("fs.s3a.endpoint", uri.toString());
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled",
        String.valueOf(!"http".equals(uri.getScheme().toLowerCase(Locale.ROOT))));
    if (System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null) {
      settings.putIfAbsent("fs.s3a.endpoint.region", "us-east-1");
    }
    return settings;
  }

  /**
   * A Hadoop configuration for work outside Spark (upload, download): the {@code *-site.xml} files on the classpath,
   * then {@code spark.hadoop.*} system properties (as Spark would pass them), then the endpoint settings.
   */
  public static Configuration hadoopConfiguration(String endpoint) {
    Configuration conf = new Configuration();
    System.getProperties().forEach((key, value) -> {
      String name = key.toString();
      if (name.startsWith("spark.hadoop.")) {
        conf.set(name.substring("spark.hadoop.".length()), value.toString());
      }
    });
    forEndpoint(endpoint).forEach(conf::set);
    return conf;
  }
}
