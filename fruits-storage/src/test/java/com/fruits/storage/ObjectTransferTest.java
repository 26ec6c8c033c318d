package com.fruits.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload and download against a real S3 server on loopback, with authentication on. */
class ObjectTransferTest {
  @TempDir static Path photos;
  static LoopbackS3 s3;
  static Configuration conf;
  static int photoCount;

  @BeforeAll
  static void start() throws Exception {
    for (String label : List.of("Lemon", "Kiwi", "Strawberry")) {
      TestImages.copyFirst(TestImages.fruitsDir().resolve("Training").resolve(label),
          photos.resolve("Training").resolve(label), 5);
    }
    try (Stream<Path> files = Files.walk(photos)) {
      photoCount = (int) files.filter(Files::isRegularFile).count();
    }
    s3 = new LoopbackS3();
    conf = s3.configuration(LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  static List<String> keys(String bucket) {
    return s3.blobStore().list(bucket, ListContainerOptions.Builder.recursive()).stream()
        .filter(m -> m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB)
        .map(StorageMetadata::getName).sorted().toList();
  }

  @Test
  void uploadsThenSkipsWhatIsThereThenDownloadsTheSameBytes(@TempDir Path back) throws Exception {
    s3.createBucket("roundtrip");
    ObjectTransfer.Summary up = ObjectTransfer.copy(photos.toString(), "s3a://roundtrip/images", conf, 4);
    assertThat(up.objects()).isEqualTo(photoCount);
    assertThat(up.copied()).isEqualTo(photoCount);
    assertThat(keys("roundtrip")).hasSize(photoCount).allMatch(k -> k.startsWith("images/"));

    ObjectTransfer.Summary again = ObjectTransfer.copy(photos.toString(), "s3a://roundtrip/images", conf, 4);
    assertThat(again.copied()).isZero();
    assertThat(again.skipped()).isEqualTo(photoCount);

    ObjectTransfer.Summary down = ObjectTransfer.copy("s3a://roundtrip/images", back.toString(), conf, 4);
    assertThat(down.copied()).isEqualTo(photoCount);
    try (Stream<Path> files = Files.walk(photos)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(back.resolve(photos.relativize(file))).hasSameBinaryContentAs(file);
      }
    }
    try (Stream<Path> files = Files.walk(back)) {
      assertThat(files.filter(Files::isRegularFile).count()).as("no .crc or .part files").isEqualTo(photoCount);
    }
    assertThat(ObjectTransfer.copy("s3a://roundtrip/images", back.toString(), conf, 4).skipped()).isEqualTo(photoCount);
  }

  @Test
  void aRerunAfterTheServerWentAwayMidUploadCompletesWithoutDuplicates() throws Exception {
    s3.createBucket("cutoff");
    Thread killer = new Thread(() -> {
      try {
        while (keys("cutoff").size() < photoCount / 3) {
          Thread.sleep(5);
        }
        s3.stop();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    killer.start();
    assertThatThrownBy(() -> ObjectTransfer.copy(photos.toString(), "s3a://cutoff/images", conf, 1))
        .isInstanceOf(FruitsException.class).hasMessageContaining("rerun to resume");
    killer.join();
    int before = keys("cutoff").size();
    assertThat(before).isBetween(1, photoCount - 1);

    s3.restart();
    ObjectTransfer.Summary rerun = ObjectTransfer.copy(photos.toString(), "s3a://cutoff/images", conf, 4);
    assertThat(rerun.skipped()).isEqualTo(before);
    assertThat(rerun.copied()).isEqualTo(photoCount - before);
    assertThat(keys("cutoff")).hasSize(photoCount).doesNotHaveDuplicates();
  }

  @Test
  void wrongCredentialsAndAMissingBucketGiveOneClearError() {
    Configuration wrong = s3.configuration(LoopbackS3.ACCESS_KEY, "not-the-secret");
    s3.createBucket("locked");
    assertThatThrownBy(() -> ObjectTransfer.copy(photos.toString(), "s3a://locked/images", wrong, 2))
        .isInstanceOf(FruitsException.class).hasMessageContaining("denied").hasMessageNotContaining("\n")
        .hasMessageNotContaining("not-the-secret");
    assertThatThrownBy(() -> ObjectTransfer.copy(photos.toString(), "s3a://no-such-bucket/images", conf, 2))
        .isInstanceOf(FruitsException.class).hasMessageContaining("does not exist").hasMessageNotContaining("\n");
  }

  @Test
  void redactsCredentialsInUrisAndText() {
    assertThat(Redaction.uri("s3a://AKIA:s3cr3t@bucket/x")).isEqualTo("s3a://***@bucket/x");
    assertThat(Redaction.text("failed with fs.s3a.secret.key=s3cr3t, see s3a://AKIA:s3cr3t@b/x"))
        .doesNotContain("s3cr3t");
  }
}
