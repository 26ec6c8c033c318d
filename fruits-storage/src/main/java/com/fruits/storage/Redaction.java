package com.fruits.storage;

import java.util.regex.Pattern;

/** Keeps credentials out of logs, summaries and error messages. */
public final class Redaction {
  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@");
  private static final Pattern SECRET_SETTING = Pattern.compile(
      "(?i)((?:secret|password|token|session)[\\w.-]*\\s*[=:]\\s*)[^\\s,;\"']+");

  private Redaction() {}

  /** {@code s3a://KEY:SECRET@bucket/x} → {@code s3a://***@bucket/x}; other URIs unchanged. */
  public static String uri(String uri) {
    return uri == null ? null : USER_INFO.matcher(uri).replaceFirst("$1***@");
  }

  /** Masks {@code secret=...}-style settings and credentials in URIs inside free text. */
  public static String text(String text) {
    if (text == null) {
      return null;
    }
    String masked = SECRET_SETTING.matcher(text).replaceAll("$1***");
    return Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@").matcher(masked).replaceAll("$1***@");
  }
}
