package com.fruits.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** Which GPU a Spark task should run its inference on. */
public final class TaskGpu {
  private TaskGpu() {}

  /**
   * The GPU Spark's resource scheduling gave {@code task} ({@code spark.task.resource.gpu.amount} with a discovery
   * script), else 0: the first GPU the process sees, which {@code CUDA_VISIBLE_DEVICES} may choose.
   */
  public static int ordinal(TaskContext task) {
    if (task == null) {
      return 0;
    }
    ResourceInformation gpus = task.resourcesJMap().get("gpu");
    if (gpus == null || gpus.addresses().length == 0) {
      return 0;
    }
    try {
      return Integer.parseInt(gpus.addresses()[0].trim());
    } catch (NumberFormatException e) {
      return 0; // a discovery script that names GPUs by something else than their ordinal
    }
  }
}
