package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.TestImages;
import com.fruits.core.model.ModelResolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle over taxonomy labels (species, species/variety, not-a-fruit) served over real HTTP: the answer names the
 * species, the variety when sure, and refuses a photo of no fruit with the closest fruit guesses.
 */
class SpeciesServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final Path NON_FRUIT = TestImages.sharedDir().resolve("data/imagenet-sample-nonfruit");

  @TempDir
  static Path temp;

  static FruitsServer server;
  static URI predictions;

  @BeforeAll
  static void start() throws Exception {
    Map<String, List<Path>> photos = new LinkedHashMap<>();
    photos.put("kiwi", CentroidBundle.firstPhotos(TestImages.fruitsDir().resolve("Training/Kiwi"), 20));
    photos.put("apple/Granny Smith",
        CentroidBundle.firstPhotos(TestImages.fruitsDir().resolve("Training/Granny Smith"), 20));
    photos.put("apple/Golden Delicious",
        CentroidBundle.firstPhotos(TestImages.fruitsDir().resolve("Training/Golden 1"), 20));
    photos.put("not-a-fruit", CentroidBundle.firstPhotos(NON_FRUIT, 60));
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), photos);
    server = FruitsServer.start(ServerConfig.builder(bundle).listen("127.0.0.1", 0).inferenceSlots(1).build(),
        new ModelResolver(temp.resolve("cache")));
    predictions = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/predictions");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode answer(Path photo) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(predictions).header("Content-Type", "image/jpeg")
        .POST(HttpRequest.BodyPublishers.ofFile(photo)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void namesTheSpeciesAndTheVarietyWhenSure() throws Exception {
    JsonNode answer = answer(CentroidBundle.firstPhotos(TestImages.fruitsDir().resolve("Test/Granny Smith"), 1).get(0));
    assertThat(answer.path("recognized").asBoolean()).as(answer.toString()).isTrue();
    assertThat(answer.path("label").asText()).isEqualTo("apple");
    assertThat(answer.path("species").asText()).isEqualTo("apple");
    assertThat(answer.path("variety").asText()).isEqualTo("Granny Smith");
    assertThat(answer.path("message").asText()).isEqualTo("Apple — probably Granny Smith");
    assertThat(answer.path("fruit").path("label").asText()).isEqualTo("apple");
    JsonNode best = answer.path("top").get(0);
    assertThat(best.path("label").asText()).isEqualTo("apple");
    assertThat(best.path("variety").asText()).isEqualTo("Granny Smith");
    assertThat(best.path("varietyConfidence").asDouble()).isGreaterThan(0.6);
    assertThat(answer.path("top")).hasSize(2); // the fruit species the model knows, not-a-fruit left out
  }

  @Test
  void refusesAPhotoOfNoFruitWithTheClosestFruitGuesses() throws Exception {
    // photos past the 60 the bundle was built on
    List<Path> unseen = CentroidBundle.firstPhotos(NON_FRUIT, 200).subList(60, 200);
    int refused = 0;
    for (Path photo : unseen.subList(0, 20)) {
      JsonNode answer = answer(photo);
      if (!answer.path("recognized").asBoolean()) {
        refused++;
        assertThat(answer.path("label").isNull()).isTrue();
        assertThat(answer.path("fruit").isNull()).isTrue();
        assertThat(answer.path("top")).isNotEmpty();
        answer.path("top").forEach(g -> assertThat(g.path("species").asText()).isNotEqualTo("not-a-fruit"));
        assertThat(answer.path("message").asText()).isIn("This is not a fruit I know", "I don't recognise this fruit");
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(15);
  }
}
