package com.fruits.core.run;

import java.util.List;
import java.util.Map;

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

  /** Named setters for the summary's fields; unset ones are null or zero. */
  public static final class Builder {
    private String command;
    private String runId;
    private String startedAt;
    private String input;
    private String output;
    private String model;
    private String specHash;
    private int featureDimension;
    private String sparkMaster;
    private String sparkVersion;
    private int executors;
    private int totalCores;
    private int threadsPerTask;
    private int batchSize;
    private String device;
    private List<String> inferenceProviders;
    private int partitions;
    private long imagesListed;
    private long imagesSelected;
    private long imagesAlreadyInOutput;
    private long imagesProcessed;
    private long imagesFeaturized;
    private long imagesFailed;
    private Map<String, Long> failuresByReason;
    private long tableRows;
    private long supersededRowsDropped;
    private Map<String, Double> stageSeconds;
    private Map<String, Double> taskSeconds;
    private double wallSeconds;
    private double imagesPerSecond;

    private Builder() {}

    public Builder command(String value) {
      command = value;
      return this;
    }

    public Builder runId(String value) {
      runId = value;
      return this;
    }

    public Builder startedAt(String value) {
      startedAt = value;
      return this;
    }

    public Builder input(String value) {
      input = value;
      return this;
    }

    public Builder output(String value) {
      output = value;
      return this;
    }

    public Builder model(String value) {
      model = value;
      return this;
    }

    public Builder specHash(String value) {
      specHash = value;
      return this;
    }

    public Builder featureDimension(int value) {
      featureDimension = value;
      return this;
    }

    public Builder sparkMaster(String value) {
      sparkMaster = value;
      return this;
    }

    public Builder sparkVersion(String value) {
      sparkVersion = value;
      return this;
    }

    public Builder executors(int value) {
      executors = value;
      return this;
    }

    public Builder totalCores(int value) {
      totalCores = value;
      return this;
    }

    public Builder threadsPerTask(int value) {
      threadsPerTask = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder device(String value) {
      device = value;
      return this;
    }

    public Builder inferenceProviders(List<String> value) {
      inferenceProviders = value;
      return this;
    }

    public Builder partitions(int value) {
      partitions = value;
      return this;
    }

    public Builder imagesListed(long value) {
      imagesListed = value;
      return this;
    }

    public Builder imagesSelected(long value) {
      imagesSelected = value;
      return this;
    }

    public Builder imagesAlreadyInOutput(long value) {
      imagesAlreadyInOutput = value;
      return this;
    }

    public Builder imagesProcessed(long value) {
      imagesProcessed = value;
      return this;
    }

    public Builder imagesFeaturized(long value) {
      imagesFeaturized = value;
      return this;
    }

    public Builder imagesFailed(long value) {
      imagesFailed = value;
      return this;
    }

    public Builder failuresByReason(Map<String, Long> value) {
      failuresByReason = value;
      return this;
    }

    public Builder tableRows(long value) {
      tableRows = value;
      return this;
    }

    public Builder supersededRowsDropped(long value) {
      supersededRowsDropped = value;
      return this;
    }

    public Builder stageSeconds(Map<String, Double> value) {
      stageSeconds = value;
      return this;
    }

    public Builder taskSeconds(Map<String, Double> value) {
      taskSeconds = value;
      return this;
    }

    public Builder wallSeconds(double value) {
      wallSeconds = value;
      return this;
    }

    public Builder imagesPerSecond(double value) {
      imagesPerSecond = value;
      return this;
    }

    public FeaturizeSummary build() {
      return new FeaturizeSummary(command, runId, startedAt, input, output, model, specHash, featureDimension,
          sparkMaster, sparkVersion, executors, totalCores, threadsPerTask, batchSize, device, inferenceProviders,
          partitions, imagesListed, imagesSelected, imagesAlreadyInOutput, imagesProcessed, imagesFeaturized,
          imagesFailed, failuresByReason, tableRows, supersededRowsDropped, stageSeconds, taskSeconds, wallSeconds,
          imagesPerSecond);
    }
  }
}
