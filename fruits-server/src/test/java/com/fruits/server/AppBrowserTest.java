package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.BrowserScripts;
import com.fruits.core.TestImages;
import com.fruits.core.model.ModelResolver;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app in real headless Chromium at a phone's viewport: photo in, species and card out. */
class AppBrowserTest {
  @TempDir
  Path temp;

  @Test
  void aGrowerUploadsAPhotoAndSeesTheSpeciesAndItsCard() throws Exception {
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), 20);
    ServerConfig config = ServerConfig.builder(bundle).listen("127.0.0.1", 0).build();
    Path screenshot = TestImages.repoDir().resolve("fruits-server/target/app-screenshot.png");
    Files.createDirectories(screenshot.getParent());
    try (FruitsServer server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      String output = BrowserScripts.run("check-app.mjs", server.url(),
          FruitsServerTest.firstTestPhoto("Strawberry").toString(), "Strawberry", screenshot.toString());
      assertThat(output).contains("\"answer\":\"Strawberry\"", "\"errors\":[]");
    }
    assertThat(Files.size(screenshot)).isGreaterThan(20_000);
  }

  @Test
  void aTwelveMegapixelPhoneShotIsShrunkOnThePhoneBeforeItIsSent() throws Exception {
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), 20);
    BufferedImage small = javax.imageio.ImageIO.read(FruitsServerTest.firstTestPhoto("Strawberry").toFile());
    BufferedImage large = new BufferedImage(3024, 4032, BufferedImage.TYPE_3BYTE_BGR);
    java.awt.Graphics2D g = large.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(small, 0, 0, 3024, 4032, null);
    g.dispose();
    // stored sideways with orientation 8, as a phone held upright stores it: the page must turn it before shrinking
    BufferedImage sideways = new BufferedImage(4032, 3024, BufferedImage.TYPE_3BYTE_BGR);
    java.awt.Graphics2D r = sideways.createGraphics();
    r.rotate(Math.PI / 2);
    r.drawImage(large, 0, -4032, null);
    r.dispose();
    byte[] jpeg = TestImages.withExifOrientation(TestImages.encode(sideways, "jpg"), 8);
    Path photo = temp.resolve("phone.jpg");
    Files.write(photo, jpeg);
    ServerConfig config = ServerConfig.builder(bundle).listen("127.0.0.1", 0).build();
    Path screenshot = TestImages.repoDir().resolve("fruits-server/target/app-phone-screenshot.png");
    try (FruitsServer server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      String output = BrowserScripts.run("check-app.mjs", server.url(), photo.toString(), "Strawberry",
          screenshot.toString());
      assertThat(output).contains("\"answer\":\"Strawberry\"", "\"errors\":[]");
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "metrics"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      Matcher sent = Pattern.compile("fruits_upload_size_bytes_sum (\\S+)").matcher(metrics);
      assertThat(sent.find()).as(metrics).isTrue();
      assertThat(Double.parseDouble(sent.group(1))).as("sent instead of %d bytes", jpeg.length)
          .isPositive().isLessThan(jpeg.length / 2.0);
    }
  }

  @Test
  void theServiceWorkerCachesOnlyTheShellAndOpensOffline() throws Exception {
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), 5);
    ServerConfig config = ServerConfig.builder(bundle).listen("127.0.0.1", 0).build();
    try (FruitsServer server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      String output = BrowserScripts.run("check-offline.mjs", server.url());
      assertThat(output).contains("\"offlineShell\":true").doesNotContain("no-such-page", "utm");
    }
  }
}
