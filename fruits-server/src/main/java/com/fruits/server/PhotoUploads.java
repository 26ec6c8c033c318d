package com.fruits.server;

import com.fruits.core.image.ImageDecodeException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Reads the photo out of a prediction request — a multipart form's {@code image} part, or the raw body with an
 * {@code image/*} or {@code application/octet-stream} content type — never holding more than the size limit, and
 * turns every way an upload can be wrong into an {@link ApiException} with a status and a plain message.
 */
final class PhotoUploads {
  /** Room for the multipart boundaries and part headers around the photo. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;
  static final String PART = "image";

  private PhotoUploads() {}

  static byte[] read(Context ctx, long maxBytes) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    long declared = ctx.req().getContentLengthLong();
    if (type.startsWith("multipart/form-data")) {
      if (declared > maxBytes + MULTIPART_OVERHEAD) {
        throw drainThenRefuse(ctx, maxBytes);
      }
      return readPart(ctx, maxBytes);
    }
    if (!type.startsWith("image/") && !type.startsWith("application/octet-stream")) {
      throw new ApiException(415, "unsupported_media_type", "send the photo as the multipart field `" + PART
          + "` or as the raw body with an image/* content type");
    }
    if (declared > maxBytes) {
      throw drainThenRefuse(ctx, maxBytes);
    }
    try (InputStream body = ctx.req().getInputStream()) {
      byte[] photo = limited(body, maxBytes);
      if (photo == null) {
        throw drainThenRefuse(ctx, maxBytes);
      }
      return photo;
    } catch (IOException e) {
      throw new ApiException(400, "upload_failed", "the upload was interrupted");
    } catch (BadMessageException e) {
      throw refused(e, maxBytes);
    }
  }

  /** What Jetty refuses while the body arrives: an upload slower than the minimum rate (408), or too large. */
  private static ApiException refused(BadMessageException e, long maxBytes) {
    return switch (e.getCode()) {
      case 408 -> new ApiException(408, "upload_too_slow",
          "the upload arrived too slowly; try again on a better connection");
      case 413 -> tooLarge(maxBytes);
      default -> new ApiException(400, "bad_request", "the request could not be read");
    };
  }

  private static byte[] readPart(Context ctx, long maxBytes) {
    UploadedFile file;
    try {
      file = ctx.uploadedFile(PART);
    } catch (Exception e) { // Javalin rethrows Jetty's checked ServletException unchecked
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BadMessageException bad && bad.getCode() == 408) {
          throw refused(bad, maxBytes);
        }
      }
      if (mentionsSize(e)) {
        throw tooLarge(maxBytes);
      }
      throw new ApiException(400, "bad_multipart", "the multipart body could not be read");
    }
    if (file == null) {
      throw new ApiException(400, "missing_image", "the multipart body has no `" + PART + "` part");
    }
    if (file.size() > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream content = file.content()) {
      byte[] photo = limited(content, maxBytes);
      if (photo == null) {
        throw tooLarge(maxBytes);
      }
      return photo;
    } catch (IOException e) {
      throw new ApiException(400, "upload_failed", "the upload was interrupted");
    } catch (BadMessageException e) {
      throw refused(e, maxBytes);
    }
  }

  private static boolean mentionsSize(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("size") || message.contains("too large") || message.contains("exceed")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads what is left of an oversized body (up to twice the limit more) before refusing it, so that the client,
   * still sending, gets to read the 413 instead of a reset connection. Beyond that the connection is just closed.
   */
  private static ApiException drainThenRefuse(Context ctx, long maxBytes) {
    try {
      InputStream body = ctx.req().getInputStream();
      byte[] sink = new byte[64 * 1024];
      long left = 2 * maxBytes;
      for (int n; left > 0 && (n = body.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // the client went away: nothing to drain
    }
    return tooLarge(maxBytes);
  }

  /** The body when it is at most {@code maxBytes}; null when it is larger. */
  private static byte[] limited(InputStream in, long maxBytes) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      return null;
    }
    if (bytes.length == 0) {
      throw new ApiException(400, "empty_upload", "the upload is empty");
    }
    return bytes;
  }

  private static ApiException tooLarge(long maxBytes) {
    return new ApiException(413, "upload_too_large",
        String.format(Locale.ROOT, "photos up to %.1f MB are accepted", maxBytes / 1024.0 / 1024.0));
  }

  /** Why a photo that arrived whole could not be read, in the client's terms. */
  static ApiException rejected(ImageDecodeException e, long maxPixels) {
    return switch (e.reason()) {
      case EMPTY_FILE -> new ApiException(400, "empty_upload", "the upload is empty");
      case NOT_AN_IMAGE -> new ApiException(415, "not_an_image", "the upload is not a JPEG or PNG photo");
      case TOO_LARGE -> new ApiException(422, "too_many_pixels", String.format(Locale.ROOT,
          "the photo's header claims more than %d megapixels; send a smaller photo", maxPixels / 1_000_000));
      case TOO_COSTLY -> new ApiException(422, "too_costly",
          "the photo would take too much work to decode (e.g. a progressive JPEG of very many scans); "
              + "save it as an ordinary JPEG");
      case CORRUPT, READ_ERROR -> new ApiException(422, "corrupt_image",
          "the photo could not be decoded (damaged or cut short)");
    };
  }
}
