package com.fruits.core.run;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * The machine-readable record of one featurize run, written as {@code summary.json} (one flat JSON object, in this
 * order). Built with {@link #builder()}.
 *
 * @param command the command that wrote it ({@code featurize})
 * @param runId this run's id, also in each row it wrote
 * @param startedAt when it started, ISO-8601 UTC
 * @param input the image sources, as given
 * @param output the output folder
 * @param model the model spec's name
 * @param specHash the model spec's hash
 * @param featureDimension features per image
 * @param totalCores the cluster's default parallelism
 * @param threadsPerTask ONNX Runtime intra-op threads a task
 * @param batchSize images per inference call
 * @param device the inference device asked for: cpu, cuda or auto
 * @param inferenceProviders where the tasks' inference ran: {@code cpu}, {@code cuda:N}; a fallback with its reason
 * @param imagesSelected after sampling
 * @param imagesAlreadyInOutput selected photos a resumed run found in the table
 * @param stageSeconds the driver's steps
 * @param taskSeconds the tasks' summed time in read, decode + preprocess and inference
 * @param imagesPerSecond processed images over the featurize step's seconds
 */
@Value.Builder
public record FeaturizeSummary(
    String command,
    String runId,
    String startedAt,
    String input,
    String output,
    String model,
    String specHash,
    int featureDimension,
    String sparkMaster,
    String sparkVersion,
    int executors,
    int totalCores,
    int threadsPerTask,
    int batchSize,
    String device,
    List<String> inferenceProviders,
    int partitions,
    long imagesListed,
    long imagesSelected,
    long imagesAlreadyInOutput,
    long imagesProcessed,
    long imagesFeaturized,
    long imagesFailed,
    Map<String, Long> failuresByReason,
    long tableRows,
    long supersededRowsDropped,
    Map<String, Double> stageSeconds,
    Map<String, Double> taskSeconds,
    double wallSeconds,
    double imagesPerSecond) {

  public FeaturizeSummary {
    failuresByReason = failuresByReason == null ? Map.of() : failuresByReason;
    inferenceProviders = inferenceProviders == null ? List.of() : List.copyOf(inferenceProviders);
  }

  /** One line for humans. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "featurized %d of %d images (%d failed%s, %d already present) with %s [%s] in %.1fs: %.1f images/s on %s%s",
        imagesFeaturized, imagesSelected, imagesFailed, failuresByReason.isEmpty() ? "" : " " + failuresByReason,
        imagesAlreadyInOutput, model, specHash.substring(0, 12), wallSeconds, imagesPerSecond, sparkMaster,
        inferenceProviders.isEmpty() ? "" : " (inference: " + String.join(", ", inferenceProviders) + ")");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Named setters for the summary's fields, generated; {@code build()} names any field left unset. */
  public static final class Builder extends FeaturizeSummaryBuilder {}
}
