package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.BrowserScripts;
import com.fruits.core.TestImages;
import com.fruits.core.model.ModelResolver;
import java.nio.file.Files;
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
    ServerConfig config = ServerConfig.defaults(bundle).withPort("127.0.0.1", 0);
    Path screenshot = TestImages.repoDir().resolve("fruits-server/target/app-screenshot.png");
    Files.createDirectories(screenshot.getParent());
    try (FruitsServer server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      String output = BrowserScripts.run("check-app.mjs", server.url(),
          FruitsServerTest.firstTestPhoto("Strawberry").toString(), "Strawberry", screenshot.toString());
      assertThat(output).contains("\"answer\":\"Strawberry\"", "\"errors\":[]");
    }
    assertThat(Files.size(screenshot)).isGreaterThan(20_000);
  }
}
