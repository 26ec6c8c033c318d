package com.fruits.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.taxonomy.Taxon;
import com.fruits.core.taxonomy.Taxonomy;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ImageSourceTest {
  @Test
  void namesComeFromTheSpecOrTheFolder() {
    assertThat(ImageSource.parse("shop=s3a://bucket/photos/grocery")).isEqualTo(new ImageSource("shop", "s3a://bucket/photos/grocery"));
    assertThat(ImageSource.parse("../shared/data/fruits-360/")).isEqualTo(new ImageSource("fruits-360", "../shared/data/fruits-360/"));
    assertThat(ImageSource.parse("s3a://bucket/grocery").name()).isEqualTo("grocery");
    assertThat(ImageSource.parseList("a=/x,/y/b")).extracting(ImageSource::name).containsExactly("a", "b");
    assertThatThrownBy(() -> ImageSource.parseList("/x/a,/y/a")).isInstanceOf(FruitsException.class)
        .hasMessageContaining("two image sources are named 'a'");
  }

  @Test
  void theSplitComesFromTheFirstFolderTheFolderAboveTheLabelOrAStableDraw() {
    Taxonomy taxonomy = Taxonomy.bundled();
    ImageSource grocery = new ImageSource("grocery-store", "/data/grocery-store");
    ImageSource.Placement pink = grocery.place("val/Fruit/Apple/Pink-Lady/x.jpg", taxonomy, 0.3);
    assertThat(pink.split()).isEqualTo("Validation");
    assertThat(pink.folder()).isEqualTo("Fruit/Apple/Pink-Lady");
    assertThat(pink.taxon()).isEqualTo(new Taxon("apple", "Pink Lady"));
    ImageSource test = new ImageSource("Test", "/data/fruits-360/Test");
    assertThat(test.place("Kiwi/1_100.jpg", taxonomy, 0.3).split()).isEqualTo("Test");
    assertThat(test.place("Kiwi/1_100.jpg", taxonomy, 0.3).taxon()).isEqualTo(Taxon.species("Kiwi"));
    ImageSource flat = new ImageSource("imagenet-sample-nonfruit", "/data/imagenet-sample-nonfruit");
    long heldOut = IntStream.range(0, 2000).mapToObj(i -> flat.place("n" + i + ".jpg", taxonomy, 0.3))
        .filter(p -> p.split().equals("Validation")).count();
    assertThat(heldOut).isBetween(520L, 680L);
    assertThat(flat.place("n7.jpg", taxonomy, 0.3)).isEqualTo(flat.place("n7.jpg", taxonomy, 0.3));
  }

  @Test
  void viewPoliciesGiveViewsOutsideTrainingAndToAStableShareOfTraining() {
    ViewPolicy policy = ViewPolicy.parse("studio=0.25,synthetic=0", 1);
    assertThat(policy.wantsViews("synthetic", "Test", "a")).isTrue();
    assertThat(policy.wantsViews("synthetic", "Training", "a")).isFalse();
    assertThat(policy.wantsViews("shop", "Training", "a")).isTrue();
    long drawn = IntStream.range(0, 4000).filter(i -> policy.wantsViews("studio", "Training", "p" + i)).count();
    assertThat(drawn).isBetween(850L, 1150L);
    assertThatThrownBy(() -> ViewPolicy.parse("studio=2", 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ViewPolicy.parse("studio", 0)).hasMessageContaining("SOURCE=SHARE");
  }
}
