package com.fruits.storage;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server (s3proxy over an in-memory blob store) on 127.0.0.1 with AWS signature authentication on. It can
 * be stopped and started again on the same port with its objects kept, to cut a transfer off half-way.
 */
public final class LoopbackS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "fruits-test-access";
  public static final String SECRET_KEY = "fruits-test-secret-7Hq2x9Lw";

  private final BlobStoreContext context;
  private S3Proxy proxy;
  private int port;

  public LoopbackS3() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    start(0);
  }

  private void start(int wantedPort) throws Exception {
    proxy = S3Proxy.builder().blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:" + wantedPort))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
    port = proxy.getPort();
  }

  public void stop() throws Exception {
    proxy.stop();
  }

  public void restart() throws Exception {
    start(port);
  }

  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  public void createBucket(String name) {
    blobStore().createContainerInLocation(null, name);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The Hadoop settings of a client of this server: the endpoint (as --s3-endpoint) and the credentials. */
  public Map<String, String> settings(String accessKey, String secretKey) {
    Map<String, String> settings = new HashMap<>(StorageSettings.forEndpoint(endpoint()));
    settings.put("fs.s3a.access.key", accessKey);
    settings.put("fs.s3a.secret.key", secretKey);
    // fail fast in tests instead of retrying for minutes
    settings.put("fs.s3a.attempts.maximum", "1");
    settings.put("fs.s3a.retry.limit", "1");
    settings.put("fs.s3a.retry.interval", "10ms");
    settings.put("fs.s3a.connection.establish.timeout", "2s");
    settings.put("fs.s3a.connection.timeout", "5s");
    // a new client per test configuration
    settings.put("fs.s3a.impl.disable.cache", "true");
    // upload buffers in the test JVM's temporary folder (the module's target/), not /tmp/hadoop-<user>/s3a
    settings.put("fs.s3a.buffer.dir", System.getProperty("java.io.tmpdir") + "/s3a");
    return settings;
  }

  public Configuration configuration(String accessKey, String secretKey) {
    Configuration conf = new Configuration();
    settings(accessKey, secretKey).forEach(conf::set);
    return conf;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
