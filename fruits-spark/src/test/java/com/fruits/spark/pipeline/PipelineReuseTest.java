package com.fruits.spark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.run.TrainSummary;
import com.fruits.core.serving.HeadVeto;
import com.fruits.spark.ml.TrainOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the pipeline trains again and when it keeps the last model. */
class PipelineReuseTest {
  private static final List<Double> WEIGHTS = TrainOptions.parseList(TrainOptions.DEFAULT_PRIOR_WEIGHTS);

  private static TrainSummary trained(TrainSummary.PriorChoice prior) {
    return new TrainSummary(null, "v1", List.of("kiwi", "not-a-fruit"), List.of("kiwi", "not-a-fruit"), 10, 10,
        Map.of(), List.of(), 0.0003, 100, 0.9, "Validation", 0.97, 0.6, Map.of(), Map.of(), Map.of(), prior, "Java",
        Map.of(), 1);
  }

  private static TrainSummary.PriorChoice prior(HeadVeto veto) {
    List<TrainSummary.PriorPoint> search = WEIGHTS.stream()
        .map(w -> new TrainSummary.PriorPoint(w, 0.5, 0.9, 0.99, true)).toList();
    return new TrainSummary.PriorChoice(0.3, "Validation", search, List.of(), veto);
  }

  private static TrainOptions asked(double headVeto) {
    return TrainOptions.builder("features", "model").headVetoQuantile(headVeto).build();
  }

  @Test
  void aModelWithTheHeadVetoAskedForIsKept() {
    TrainSummary withVeto = trained(prior(new HeadVeto(1, Map.of("kiwi", 0.99))));
    assertThat(PipelineJob.sameTraining(asked(1), withVeto)).isTrue();
    assertThat(PipelineJob.sameTraining(asked(0.99), withVeto)).as("another quantile").isFalse();
    assertThat(PipelineJob.sameTraining(asked(0), withVeto)).as("no veto asked for").isFalse();
  }

  @Test
  void aModelFromBeforeTheVetoIsTrainedAgainUnlessNoneIsAskedFor() {
    TrainSummary without = trained(prior(null));
    assertThat(PipelineJob.sameTraining(asked(1), without)).isFalse();
    assertThat(PipelineJob.sameTraining(asked(0), without)).isTrue();
    assertThat(PipelineJob.sameTraining(asked(1), trained(null))).as("no head logits: neither prior nor veto")
        .isTrue();
  }

  @Test
  void anotherRegularizationOrIterationCapTrainsAgain() {
    TrainSummary withVeto = trained(prior(new HeadVeto(1, Map.of("kiwi", 0.99))));
    assertThat(PipelineJob.sameTraining(TrainOptions.builder("features", "model").regParams(List.of(0.01)).build(),
        withVeto)).isFalse();
    assertThat(PipelineJob.sameTraining(TrainOptions.builder("features", "model").maxIter(50).build(), withVeto))
        .isFalse();
  }
}
