package com.fruits.spark;

import com.fruits.core.FruitsException;
import com.fruits.core.dataset.ImageLocation;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Lists the images under a Hadoop URI ({@code file:}, {@code s3a:}, {@code hdfs:}) recursively, case-insensitively
 * by extension, skipping hidden files and folders (names starting with "."), and describes each with label, file,
 * split and rotation. No file content is read.
 *
 * <p>Listing goes through {@link FileSystem#listFiles} (a flat, paged listing on S3A) rather than Spark's
 * {@code binaryFile} source, because Spark's file scan silently drops zero-byte files, and a zero-byte upload must
 * show up as an error row, not vanish. Only path strings and sizes are held on the driver, as Spark's own file
 * index would.
 */
public final class ImageListing {
  private ImageListing() {}

  public static Dataset<Row> list(SparkSession spark, String images) {
    Path root = new Path(images);
    FileSystem fs = HadoopFiles.fileSystem(images, spark.sparkContext().hadoopConfiguration());
    List<Row> rows = new ArrayList<>();
    try {
      if (!fs.exists(root)) {
        throw new FruitsException("input path does not exist: " + images);
      }
      Path qualifiedRoot = fs.makeQualified(root);
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(qualifiedRoot, true);
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        if (file.isFile() && ImageLocation.isImageFile(file.getPath().getName())
            && !isHidden(file.getPath(), qualifiedRoot)) {
          rows.add(describe(file));
        }
      }
    } catch (IOException e) {
      throw new FruitsException("cannot list " + images + ": " + HadoopFiles.oneLine(e));
    }
    return spark.createDataFrame(rows, FeatureTable.LISTING_SCHEMA);
  }

  private static boolean isHidden(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      if (p.getName().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static Row describe(LocatedFileStatus file) {
    String path = file.getPath().toString();
    ImageLocation location = ImageLocation.parse(path);
    return RowFactory.create(path, location.label(), location.file(), location.split(), location.rotation(),
        file.getLen(), new Timestamp(file.getModificationTime()));
  }
}
