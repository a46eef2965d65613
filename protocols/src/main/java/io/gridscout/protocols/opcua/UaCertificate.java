package io.gridscout.protocols.opcua;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * What an OPC UA application instance certificate says about its owner. Parsed once per distinct
 * certificate (the decoder remembers thumbprints); the first certificate of a chain is the sender's.
 */
record UaCertificate(String subject, String issuer, long notBeforeMillis, long notAfterMillis, String thumbprint,
                     String applicationUri, boolean selfSigned) {

    /** Parses DER bytes; null if they are not an X.509 certificate. */
    static UaCertificate parse(byte[] b, int off, int len) {
        if (len < 16 || b[off] != 0x30) return null;
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(b, off, len));
            byte[] der = c.getEncoded();
            String subject = c.getSubjectX500Principal().getName();
            String issuer = c.getIssuerX500Principal().getName();
            return new UaCertificate(subject, issuer, c.getNotBefore().getTime(), c.getNotAfter().getTime(),
                    thumbprint(der), applicationUri(c), subject.equals(issuer) && signedBy(c));
        } catch (CertificateException | RuntimeException e) {
            // hostile DER makes the JDK parser throw assorted runtime exceptions; a bad certificate is just malformed
            return null;
        }
    }

    /** Self-signed = the subject's own key verifies the signature (issuer == subject alone is not proof). */
    private static boolean signedBy(X509Certificate c) {
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    boolean expiredAt(long epochMillis) {
        return epochMillis > notAfterMillis;
    }

    private static String applicationUri(X509Certificate c) {
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names == null) return null;
            for (List<?> n : names) {
                if (n.size() >= 2 && Integer.valueOf(6).equals(n.get(0)) && n.get(1) instanceof String s) return s;
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }

    /** SHA-1 of the DER encoding in upper-case hex, as OPC UA thumbprints are written. */
    static String thumbprint(byte[] der) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(der);
            char[] out = new char[h.length * 2];
            for (int i = 0; i < h.length; i++) {
                out[2 * i] = HEX[(h[i] >> 4) & 0xF];
                out[2 * i + 1] = HEX[h[i] & 0xF];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
