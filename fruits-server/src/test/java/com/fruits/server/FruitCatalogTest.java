package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.serving.ImageNetPrior;
import com.fruits.core.taxonomy.Taxonomy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FruitCatalogTest {
  @Test
  void everyClassOfTheImageBaseHasACompleteCard() throws Exception {
    FruitCatalog catalog = FruitCatalog.bundled();
    List<String> classes;
    try (Stream<Path> folders = Files.list(TestImages.fruitsDir().resolve("Training"))) {
      classes = folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(classes).hasSizeGreaterThanOrEqualTo(24);
    assertThat(catalog.missing(classes)).as("classes without a card in catalog/fruits.yaml").isEmpty();
    assertThat(catalog.version()).isPositive();
  }

  @Test
  void everySpeciesOfTheTaxonomyHasACompleteCard() {
    List<String> species = Taxonomy.bundled().fruitSpecies();
    assertThat(species).hasSizeGreaterThanOrEqualTo(30);
    assertThat(FruitCatalog.bundled().missing(species)).as("species without a card in catalog/fruits.yaml").isEmpty();
  }

  @Test
  void everyFruitTheImageNetHeadCanNameHasACompleteCard() {
    List<String> species = java.util.Arrays.stream(ImageNetPrior.bundledMap()).filter(java.util.Objects::nonNull)
        .filter(s -> !s.equals("not-a-fruit")).distinct().toList();
    assertThat(species).contains("banana", "jackfruit", "custard apple");
    assertThat(FruitCatalog.bundled().missing(species)).as("zero-shot species without a card").isEmpty();
  }

  @Test
  void theRepositoryFileIsTheOneInTheJar() throws Exception {
    Path file = TestImages.repoDir().resolve("catalog/fruits.yaml");
    assertThat(FruitCatalog.load(file).missing(List.of("Kiwi", "Quince"))).isEmpty();
  }

  private static final String CARD = """
      version: 2
      fruits:
        - label: Kiwi
          commonName: Kiwifruit
          variety: Hayward
          description: Fuzzy.
          season: Winter
          nutritionPer100g: {energyKcal: 61, carbohydratesG: 14.7, sugarsG: null, fiberG: 3, proteinG: 1.1, fatG: 0.5, vitaminCMg: 92.7}
          handling: Keep cold.
      """;

  @Test
  void readsACardWithAnUnknownSugarFigure() {
    FruitCatalog catalog = FruitCatalog.parse(CARD, "test");
    assertThat(catalog.version()).isEqualTo(2);
    assertThat(catalog.card("Kiwi")).hasValueSatisfying(card -> {
      assertThat(card.nutritionPer100g().sugarsG()).isNull();
      assertThat(card.nutritionPer100g().vitaminCMg()).isEqualTo(92.7);
    });
    assertThat(catalog.missing(List.of("Kiwi", "Lemon"))).containsExactly("Lemon");
  }

  @Test
  void namesTheCardAndFieldThatIsEmpty() {
    assertThatThrownBy(() -> FruitCatalog.parse(CARD.replace("handling: Keep cold.", "handling: \"\""), "test"))
        .isInstanceOf(FruitsException.class).hasMessageContaining("Kiwi: handling is empty");
    assertThatThrownBy(() -> FruitCatalog.parse(CARD.replace("fiberG: 3, ", ""), "test"))
        .hasMessageContaining("Kiwi: nutritionPer100g.fiberG is empty");
  }

  @Test
  void refusesTwoCardsForOneClassAndMisspelledFields() {
    String twice = CARD + CARD.substring(CARD.indexOf("  - label"));
    assertThatThrownBy(() -> FruitCatalog.parse(twice, "test")).hasMessageContaining("Kiwi: two cards");
    assertThatThrownBy(() -> FruitCatalog.parse(CARD.replace("season:", "seasn:"), "test"))
        .isInstanceOf(FruitsException.class).hasMessageContaining("seasn");
  }
}
