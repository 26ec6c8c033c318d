package com.fruits.core.synthetic;

import com.fruits.core.FruitsException;
import com.fruits.core.image.RgbImage;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Composes a real-looking photo from studio photos: cut-out fruits of one species pasted onto a crop of a real
 * background at random sizes, positions and angles (one fruit, a few, or a pile), then the {@link SceneRecipe}'s
 * photometric changes. Everything random comes from the scene's seed, so a scene is reproducible from its
 * {@link SceneParameters}. Spark-free and thread-safe (no shared state).
 */
public final class SceneSynthesizer {
  /** A source photo and the name recorded for it in the provenance. */
  public record Source(String name, RgbImage image) {}

  /** A composed scene: the JPEG and how it was made. */
  public record Scene(byte[] jpeg, SceneParameters parameters) {}

  private final SceneRecipe recipe;

  public SceneSynthesizer(SceneRecipe recipe) {
    this.recipe = recipe;
  }

  /**
   * One scene of {@code fruits} (studio photos of one species, white background) on {@code background}. Fruit
   * photos whose cut-out is almost empty are skipped; at least one must remain.
   */
  public Scene compose(List<Source> fruits, Source background, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int size = recipe.size();
    List<BufferedImage> cutouts = new ArrayList<>();
    List<BufferedImage> shadows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Source fruit : fruits) {
      BufferedImage cut = Cutout.of(fruit.image());
      if (cut != null) {
        cutouts.add(cut);
        shadows.add(shadowOf(cut));
        names.add(fruit.name());
      }
    }
    if (cutouts.isEmpty()) {
      throw new FruitsException("no fruit could be cut out of " + fruits.size() + " studio photo(s)");
    }
    BufferedImage scene = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scene.createGraphics();
    double zoom = 0.45 + 0.55 * random.nextDouble();
    List<SceneParameters.Placement> placements;
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      drawBackground(g, background.image(), zoom, random, size);
      placements = layout(random, names);
      for (SceneParameters.Placement p : placements) {
        int photo = names.indexOf(p.photo());
        drawFruit(g, cutouts.get(photo), shadows.get(photo), p, size);
      }
    } finally {
      g.dispose();
    }
    int[] rgb = scene.getRGB(0, 0, size, size, null, 0, size);
    boolean lighting = recipe.uses(SceneRecipe.Transform.LIGHTING);
    double brightness = lighting ? 0.6 + 0.7 * random.nextDouble() : 1;
    double contrast = lighting ? 0.7 + 0.6 * random.nextDouble() : 1;
    double saturation = lighting ? 0.6 + 0.7 * random.nextDouble() : 1;
    double warmth = lighting ? -0.12 + 0.24 * random.nextDouble() : 0;
    double blur = recipe.uses(SceneRecipe.Transform.BLUR) && random.nextDouble() < 0.5 ? 0.4 + 1.4 * random.nextDouble() : 0;
    double noise = recipe.uses(SceneRecipe.Transform.NOISE) && random.nextDouble() < 0.5 ? 2 + 8 * random.nextDouble() : 0;
    int quality = recipe.uses(SceneRecipe.Transform.JPEG) ? 30 + random.nextInt(66) : 92;
    if (lighting) {
      adjust(rgb, brightness, contrast, saturation, warmth);
    }
    if (blur > 0) {
      rgb = blur(rgb, size, blur);
    }
    if (noise > 0) {
      addNoise(rgb, noise, random);
    }
    scene.setRGB(0, 0, size, size, rgb, 0, size);
    SceneParameters parameters = new SceneParameters(seed, recipe.describe(), background.name(), round(zoom),
        placements, round(brightness), round(contrast), round(saturation), round(warmth), round(blur), round(noise),
        quality);
    return new Scene(jpeg(scene, quality), parameters);
  }

  /** A random square crop of the background ({@code zoom} of its shorter side), mirrored half the time. */
  private static void drawBackground(Graphics2D g, RgbImage background, double zoom, SplittableRandom random, int size) {
    BufferedImage image = toBufferedImage(background);
    int side = Math.max(1, (int) (Math.min(image.getWidth(), image.getHeight()) * zoom));
    int x = random.nextInt(image.getWidth() - side + 1);
    int y = random.nextInt(image.getHeight() - side + 1);
    boolean mirror = random.nextBoolean();
    if (mirror) {
      g.drawImage(image, size, 0, 0, size, x, y, x + side, y + side, null);
    } else {
      g.drawImage(image, 0, 0, size, size, x, y, x + side, y + side, null);
    }
  }

  /**
   * Where the fruits go: one large fruit, a few medium ones, a loose pile, or a bin packed edge to edge (a jittered
   * grid, as shop displays are photographed).
   */
  private List<SceneParameters.Placement> layout(SplittableRandom random, List<String> names) {
    double pick = recipe.uses(SceneRecipe.Transform.PILE) ? random.nextDouble() : 0;
    List<double[]> spots = new ArrayList<>(); // x, y, width
    if (pick < 0.3) {
      spots.add(new double[] {0.5 + 0.25 * signed(random), 0.5 + 0.25 * signed(random), 0.35 + 0.5 * random.nextDouble()});
    } else if (pick < 0.5) {
      int count = 2 + random.nextInt(4);
      for (int i = 0; i < count; i++) {
        spots.add(new double[] {0.5 + 0.35 * signed(random), 0.5 + 0.35 * signed(random), 0.25 + 0.2 * random.nextDouble()});
      }
    } else if (pick < 0.7) {
      int count = 7 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        spots.add(new double[] {0.5 + 0.45 * signed(random), 0.5 + 0.45 * signed(random), 0.18 + 0.14 * random.nextDouble()});
      }
    } else {
      int across = 3 + random.nextInt(4);
      double cell = 1.0 / across;
      for (int row = 0; row <= across; row++) {
        for (int col = 0; col <= across; col++) {
          spots.add(new double[] {(col + 0.5 * random.nextDouble()) * cell, (row + 0.5 * random.nextDouble()) * cell,
              cell * (1.15 + 0.3 * random.nextDouble())});
        }
      }
    }
    List<SceneParameters.Placement> placements = new ArrayList<>();
    for (double[] spot : spots) {
      placements.add(new SceneParameters.Placement(names.get(random.nextInt(names.size())), round(spot[0]),
          round(spot[1]), round(spot[2]), round(360 * random.nextDouble()), random.nextBoolean()));
    }
    // back to front: fruits lower in the frame are nearer the camera and cover those above
    placements.sort(Comparator.comparingDouble(SceneParameters.Placement::y));
    return placements;
  }

  private static double signed(SplittableRandom random) {
    return 2 * random.nextDouble() - 1;
  }

  private static void drawFruit(Graphics2D g, BufferedImage cutout, BufferedImage shadowMask,
      SceneParameters.Placement p, int size) {
    double scale = p.width() * size / Math.max(cutout.getWidth(), cutout.getHeight());
    AffineTransform at = new AffineTransform();
    at.translate(p.x() * size, p.y() * size);
    at.rotate(Math.toRadians(p.rotationDegrees()));
    at.scale(p.mirrored() ? -scale : scale, scale);
    at.translate(-cutout.getWidth() / 2.0, -cutout.getHeight() / 2.0);
    // a soft shadow under the fruit grounds it in the scene
    AffineTransform shadow = new AffineTransform();
    shadow.translate(size * p.width() * 0.06, size * p.width() * 0.08);
    shadow.concatenate(at);
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.35f));
    g.drawImage(shadowMask, shadow, null);
    g.setComposite(AlphaComposite.SrcOver);
    g.drawImage(cutout, at, null);
  }

  private static BufferedImage shadowOf(BufferedImage cutout) {
    BufferedImage shadow = new BufferedImage(cutout.getWidth(), cutout.getHeight(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < cutout.getHeight(); y++) {
      for (int x = 0; x < cutout.getWidth(); x++) {
        shadow.setRGB(x, y, cutout.getRGB(x, y) & 0xFF000000);
      }
    }
    return shadow;
  }

  private static void adjust(int[] rgb, double brightness, double contrast, double saturation, double warmth) {
    double rGain = brightness * (1 + warmth);
    double bGain = brightness * (1 - warmth);
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      double r = (p >> 16 & 0xFF) * rGain;
      double gr = (p >> 8 & 0xFF) * brightness;
      double b = (p & 0xFF) * bGain;
      double grey = 0.299 * r + 0.587 * gr + 0.114 * b;
      r = 128 + contrast * (grey + saturation * (r - grey) - 128);
      gr = 128 + contrast * (grey + saturation * (gr - grey) - 128);
      b = 128 + contrast * (grey + saturation * (b - grey) - 128);
      rgb[i] = clamp(r) << 16 | clamp(gr) << 8 | clamp(b);
    }
  }

  /** Separable Gaussian blur, edges clamped. */
  private static int[] blur(int[] rgb, int size, double sigma) {
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= sum;
    }
    return pass(pass(rgb, size, kernel, radius, 1, size), size, kernel, radius, size, 1);
  }

  private static int[] pass(int[] in, int size, double[] kernel, int radius, int step, int lineStep) {
    int[] out = new int[in.length];
    for (int line = 0; line < size; line++) {
      for (int i = 0; i < size; i++) {
        double r = 0;
        double g = 0;
        double b = 0;
        for (int k = -radius; k <= radius; k++) {
          int j = Math.min(size - 1, Math.max(0, i + k));
          int p = in[line * lineStep + j * step];
          double w = kernel[k + radius];
          r += w * (p >> 16 & 0xFF);
          g += w * (p >> 8 & 0xFF);
          b += w * (p & 0xFF);
        }
        out[line * lineStep + i * step] = clamp(r) << 16 | clamp(g) << 8 | clamp(b);
      }
    }
    return out;
  }

  private static void addNoise(int[] rgb, double sigma, SplittableRandom random) {
    for (int i = 0; i < rgb.length; i++) {
      int p = rgb[i];
      rgb[i] = clamp((p >> 16 & 0xFF) + sigma * gaussian(random)) << 16
          | clamp((p >> 8 & 0xFF) + sigma * gaussian(random)) << 8 | clamp((p & 0xFF) + sigma * gaussian(random));
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static int clamp(double v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (int) (v + 0.5);
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  static BufferedImage toBufferedImage(RgbImage image) {
    BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
    int[] row = new int[image.width()];
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        row[x] = image.sample(x, y, 0) << 16 | image.sample(x, y, 1) << 8 | image.sample(x, y, 2);
      }
      out.setRGB(0, y, image.width(), 1, row, 0, image.width());
    }
    return out;
  }

  private static byte[] jpeg(BufferedImage image, int quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 << 10);
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new FruitsException("cannot encode a scene as JPEG: " + e.getMessage());
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
