package com.fruits.cli;

import com.fruits.spark.ml.TrainOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --head-veto}, of {@code train} and {@code pipeline} (a picocli mixin), checked as it is parsed. */
final class HeadVetoOption {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  double quantile = Double.parseDouble(TrainOptions.DEFAULT_HEAD_VETO);

  @Option(names = "--head-veto", paramLabel = "Q", defaultValue = TrainOptions.DEFAULT_HEAD_VETO,
      description = "Refuse to name a species when the ImageNet head sees less fruit in the photo than in a share Q "
          + "of that species' real and studio training photos (1: in any of them); 0 for no veto "
          + "(default: ${DEFAULT-VALUE}).")
  void quantile(double value) {
    try {
      quantile = TrainOptions.requireHeadVeto(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
  }
}
