package dev.goroscope.otel.receiver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * PEM certificate and key files to JSSE key and trust managers, the same for the gRPC and the
 * HTTP side (so both accept the same files and fail with the same messages). Keys must be
 * unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}, what {@code openssl req -nodes} and
 * {@code openssl genpkey} write), RSA or EC.
 */
final class PemFiles {

  private static final char[] NO_PASSWORD = new char[0];
  private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
  private static final String END_KEY = "-----END PRIVATE KEY-----";

  private PemFiles() {}

  /** @throws IllegalArgumentException naming the file and what is wrong with it */
  static KeyManager[] keyManagers(Path certificatePem, Path keyPem) {
    List<Certificate> chain = certificates(certificatePem, "certificate");
    PrivateKey key = privateKey(keyPem);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, NO_PASSWORD);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("use key " + keyPem + " with certificate "
          + certificatePem + ": " + e.getMessage(), e);
    }
  }

  /** Trust exactly the certificates in {@code caPem}. */
  static TrustManager[] trustManagers(Path caPem) {
    List<Certificate> cas = certificates(caPem, "CA certificate");
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        ks.setCertificateEntry("ca" + i, cas.get(i));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("trust " + caPem + ": " + e.getMessage(), e);
    }
  }

  /** A TLS context with these (nullable) key managers and trust (null: the JVM's defaults). */
  static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(keys, trust, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("set up TLS: " + e.getMessage(), e);
    }
  }

  private static List<Certificate> certificates(Path pem, String what) {
    byte[] bytes = read(pem, what);
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(what + " " + pem + " holds no PEM certificate");
      }
      return new ArrayList<>(certs);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " " + pem + " is not a PEM certificate: "
          + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path pem) {
    String text = new String(read(pem, "key"), StandardCharsets.US_ASCII);
    int begin = text.indexOf(BEGIN_KEY);
    int end = text.indexOf(END_KEY);
    if (begin < 0 || end < begin) {
      String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
          ? ": it is a PKCS#1/SEC1 key; convert it with openssl pkcs8 -topk8 -nocrypt -in "
              + pem + " -out key.pk8.pem"
          : text.contains("BEGIN ENCRYPTED PRIVATE KEY")
              ? ": it is encrypted; decrypt it with openssl pkcs8 -in " + pem
                  + " -out key.pk8.pem"
              : "";
      throw new IllegalArgumentException("key " + pem + " is not an unencrypted PKCS#8 PEM key ("
          + BEGIN_KEY + ")" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_KEY.length(), end));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key " + pem + ": bad base64: " + e.getMessage(), e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("key " + pem + " is not an RSA or EC key");
  }

  private static byte[] read(Path p, String what) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("read " + what + " " + p + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
    }
  }
}
