package com.fruits.core.taxonomy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.dataset.ImageSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TaxonomyTest {
  private static final String CSV = """
      # a comment
      source,folder,species,variety

      studio,Apple Red 1,apple,
      studio,Granny Smith,apple,Granny Smith
      shop,Fruit/Apple/Pink-Lady,apple,Pink Lady
      shop,Fruit/Melon,melon,
      shop,Fruit/Melon/Watermelon,watermelon,
      shop,Vegetables,not-a-fruit,
      nothing,,not-a-fruit,
      """;

  @Test
  void theLongestRuleCoveringTheFolderDecides() {
    Taxonomy taxonomy = Taxonomy.parse(CSV, "test");
    assertThat(taxonomy.classify("studio", "Apple Red 1")).contains(Taxon.species("apple"));
    assertThat(taxonomy.classify("studio", "Granny Smith")).contains(new Taxon("apple", "Granny Smith"));
    assertThat(taxonomy.classify("shop", "Fruit/Apple/Pink-Lady")).contains(new Taxon("apple", "Pink Lady"));
    assertThat(taxonomy.classify("shop", "Fruit/Melon/Cantaloupe")).contains(Taxon.species("melon"));
    assertThat(taxonomy.classify("shop", "Fruit/Melon/Watermelon")).contains(Taxon.species("watermelon"));
    assertThat(taxonomy.classify("shop", "Vegetables/Potato/Solid-Potato")).contains(Taxon.NOT_A_FRUIT);
    assertThat(taxonomy.classify("nothing", "")).contains(Taxon.NOT_A_FRUIT);
    assertThat(taxonomy.classify("shop", "Fruit/Kiwi")).isEmpty(); // named source, no rule: unmapped
    assertThat(taxonomy.fruitSpecies()).containsExactly("apple", "melon", "watermelon");
    assertThat(taxonomy.varieties().get("apple")).containsExactly("Granny Smith", "Pink Lady");
  }

  @Test
  void aSourceItDoesNotNameIsLabelledByItsFolders() {
    Taxonomy taxonomy = Taxonomy.parse(CSV, "test");
    assertThat(taxonomy.classify("other", "Apple Red 1")).contains(Taxon.species("Apple Red 1"));
    assertThat(taxonomy.classify("synthetic", "apple/Granny Smith")).contains(new Taxon("apple", "Granny Smith"));
    assertThat(Taxon.ofLabel("apple/Granny Smith").label()).isEqualTo("apple/Granny Smith");
    assertThat(Taxon.ofLabel("kiwi")).isEqualTo(Taxon.species("kiwi"));
  }

  @Test
  void badLinesAreNamedByNumber() {
    assertThatThrownBy(() -> Taxonomy.parse("source,folder,species\n", "t.csv"))
        .isInstanceOf(FruitsException.class).hasMessageContaining("first line must be");
    assertThatThrownBy(() -> Taxonomy.parse(Taxonomy.HEADER + "\nshop,Fruit,apple\n", "t.csv"))
        .hasMessageContaining("t.csv line 2: expected 4 comma-separated fields");
    assertThatThrownBy(() -> Taxonomy.parse(Taxonomy.HEADER + "\nshop,A,apple,\nshop,A,pear,\n", "t.csv"))
        .hasMessageContaining("line 3: folder 'A' of source 'shop' is mapped twice");
    assertThatThrownBy(() -> Taxonomy.parse(Taxonomy.HEADER + "\nshop,A,not-a-fruit,Big\n", "t.csv"))
        .hasMessageContaining("has no varieties");
    assertThatThrownBy(() -> Taxonomy.parse(Taxonomy.HEADER + "\nshop,A,,x\n", "t.csv"))
        .hasMessageContaining("species must not be empty");
  }

  /** Every folder of the shared sources is mapped; nothing in code knows a folder name. */
  @Test
  void theShippedTaxonomyMapsEveryFolderOfTheSharedSources() throws Exception {
    Taxonomy taxonomy = Taxonomy.bundled();
    assertThat(taxonomy.csv()).isEqualTo(Files.readString(TestImages.repoDir().resolve("catalog/taxonomy.csv")));
    for (String name : List.of("fruits-360", "grocery-store", "imagenet-sample-nonfruit")) {
      Path root = TestImages.sharedDir().resolve("data/" + name);
      ImageSource source = new ImageSource(name, root.toString());
      List<Path> photos;
      try (Stream<Path> files = Files.walk(root)) {
        photos = files.filter(f -> f.toString().endsWith(".jpg") && !root.relativize(f).startsWith("iconic")).toList();
      }
      assertThat(photos).isNotEmpty();
      for (Path photo : photos) {
        String relative = root.relativize(photo).toString().replace('\\', '/');
        ImageSource.Placement placement = source.place(relative, taxonomy, ImageSource.DEFAULT_HOLDOUT);
        assertThat(Optional.ofNullable(placement.taxon())).as(name + " " + relative).isPresent();
      }
    }
    assertThat(taxonomy.classify("grocery-store", "Fruit/Apple/Granny-Smith"))
        .isEqualTo(taxonomy.classify("fruits-360", "Granny Smith"));
    assertThat(taxonomy.fruitSpecies()).contains("apple", "banana", "passion fruit", "watermelon");
  }
}
