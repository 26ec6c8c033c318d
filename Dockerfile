# The Spark job image for Kubernetes (spark-submit --master k8s://...): Apache Spark's official image plus the job
# jar and the model specs. Build after `mvn -B -DskipTests package`. Not built in CI (no Docker engine there).
FROM apache/spark:4.1.0-scala2.13-java17-ubuntu
USER root
# libjpeg-turbo's Java binding: executors decode large JPEGs at reduced scale (DCT scaling) instead of in full;
# OpenBLAS: Spark ML's matrix products run native (train's iterations 1.6 times as fast as netlib's Java BLAS on a
# 2-core AMD EPYC)
RUN apt-get update && apt-get install -y --no-install-recommends libturbojpeg-java libturbojpeg0-dev libopenblas0 \
  && rm -rf /var/lib/apt/lists/*
RUN mkdir -p /opt/fruits/models
COPY fruits-cli/target/fruits-cli-0.1.0-SNAPSHOT-job.jar /opt/fruits/fruits-cli-job.jar
COPY models/ /opt/fruits/models/
USER spark
