package com.fruits.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on 127.0.0.1: one master and a number of workers, each its own JVM started from a
 * SPARK_HOME whose {@code jars/} Maven filled with Spark's own dependency jars, exactly as {@code sbin/start-master.sh}
 * and {@code sbin/start-worker.sh} would start them. Jobs are submitted with {@code org.apache.spark.deploy.SparkSubmit}
 * (what {@code bin/spark-submit} runs) in a driver JVM of their own.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path sparkHome;
  private final Path logs;
  private final List<String> javaOptions;
  private final int masterPort;
  private final int masterWebPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private StandaloneCluster(Path sparkHome, Path logs, List<String> javaOptions) throws IOException {
    this.sparkHome = sparkHome;
    this.logs = Files.createDirectories(logs);
    this.javaOptions = javaOptions;
    this.masterPort = freePort();
    this.masterWebPort = freePort();
    this.master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterWebPort)));
  }

  /** Starts a master and {@code workers} workers of {@code coresPerWorker} cores; returns once all are registered. */
  static StandaloneCluster start(Path sparkHome, Path logs, List<String> javaOptions, int workers, int coresPerWorker)
      throws IOException, InterruptedException {
    StandaloneCluster cluster = new StandaloneCluster(sparkHome, logs, javaOptions);
    try {
      for (int i = 0; i < workers; i++) {
        cluster.addWorker(coresPerWorker);
      }
      cluster.awaitAliveWorkers(workers);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  private void addWorker(int cores) throws IOException {
    int index = workers.size() + 1;
    Path workDir = Files.createDirectories(logs.resolve("worker-" + index));
    workers.add(start("worker-" + index, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
        "--cores", Integer.toString(cores), "--memory", "2g", "--webui-port", "0", "--work-dir", workDir.toString(),
        masterUrl())));
  }

  /** Kills worker {@code index} (1-based) and the executor JVMs it started, as if its machine went away. */
  void killWorker(int index) throws InterruptedException {
    Process worker = workers.get(index - 1);
    List<ProcessHandle> executors = worker.descendants().toList();
    worker.destroyForcibly();
    executors.forEach(ProcessHandle::destroyForcibly);
    worker.waitFor();
  }

  /** The workers the master lists as ALIVE. */
  int aliveWorkers() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterWebPort + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    JsonNode state = new ObjectMapper().readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    int alive = 0;
    for (JsonNode worker : state.path("workers")) {
      if ("ALIVE".equals(worker.path("state").asText())) {
        alive++;
      }
    }
    return alive;
  }

  private void awaitAliveWorkers(int expected) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!master.isAlive()) {
        throw new IllegalStateException("the Spark master exited; see " + logs.resolve("master.log"));
      }
      try {
        if (aliveWorkers() >= expected) {
          return;
        }
      } catch (IOException notUpYet) {
        // the master's web UI is not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(expected + " workers did not register with the master within "
            + START_TIMEOUT.toSeconds() + " s; see the logs in " + logs);
      }
      Thread.sleep(250);
    }
  }

  /**
   * Starts {@code SparkSubmit} for {@code mainClass} in {@code jobJar} with {@code args}, against {@code master} (this
   * cluster's URL, or {@code local[N]}), with the driver's output going to {@code <logs>/<name>.log}.
   */
  Process submit(String name, String master, Path jobJar, String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.executor.extraJavaOptions=-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "--class", mainClass, jobJar.toString()));
    command.addAll(args);
    return start(name, command);
  }

  Path log(String name) {
    return logs.resolve(name + ".log");
  }

  private Process start(String name, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // the scratch files of the master, the workers and the drivers where the test's own go (a killed worker leaves
    // them behind); executors get the same through spark.executor.extraJavaOptions
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.addAll(javaOptions);
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log(name).toFile());
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    // without it a worker looks for a source build's assembly/target/scala-*/jars ("Cannot find any build directories")
    env.put("SPARK_SCALA_VERSION", System.getProperty("fruits.scala.binary.version", "2.13"));
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  static List<String> javaOptions(String spaceSeparated) {
    return Arrays.stream(spaceSeparated.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process process : all) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    for (Process process : all) {
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
