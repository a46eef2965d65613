package io.gridscout.agent.evidence;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.util.XRLog;
import io.gridscout.agent.output.InventoryCsv;
import io.gridscout.mapping.register.Reconciliation;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes the evidence pack: report.html, report.pdf, findings.json, assets.csv, reconciliation.csv. */
public final class EvidencePack {
    public static final List<String> RECONCILIATION_HEADER = List.of("status", "registerId", "registerLine", "assetId", "matchedBy",
            "declaredIps", "observedIps", "declaredMacs", "observedMacs", "declaredVendor", "observedVendor", "declaredModel", "observedModel",
            "declaredFirmware", "observedFirmware", "declaredSerial", "observedSerial", "differences");

    private EvidencePack() {}

    /** Returns the files written; a PDF failure is reported in the list as a warning, not thrown. */
    public static List<String> write(EvidenceReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> warnings = new ArrayList<>();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dir.resolve("findings.json")))) {
            EvidenceJson.write(r, o);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("assets.csv"), StandardCharsets.UTF_8)) {
            InventoryCsv.write(r.inventory(), w);
        }
        if (r.reconciliation() != null) {
            try (Writer w = Files.newBufferedWriter(dir.resolve("reconciliation.csv"), StandardCharsets.UTF_8)) {
                reconciliationCsv(r.reconciliation(), w);
            }
        }
        String html = ReportHtml.render(r);
        Files.writeString(dir.resolve("report.html"), html, StandardCharsets.UTF_8);
        try {
            pdf(ReportHtml.render(r, true), dir.resolve("report.pdf"));
        } catch (IOException | RuntimeException e) {
            warnings.add("report.pdf not written: " + e);
        }
        return warnings;
    }

    public static void reconciliationCsv(Reconciliation rec, Writer w) throws IOException {
        InventoryCsv.row(w, RECONCILIATION_HEADER);
        for (Reconciliation.Row row : rec.rows()) {
            var e = row.entry();
            var a = row.asset();
            StringBuilder d = new StringBuilder();
            for (Reconciliation.Diff x : row.diffs()) {
                if (d.length() > 0) d.append("; ");
                d.append(x.field());
            }
            InventoryCsv.row(w, List.of(row.status().word, e == null ? "" : e.label(), e == null ? "" : Integer.toString(e.line()),
                    a == null ? "" : a.id(), n(row.matchedBy()),
                    e == null ? "" : String.join(" ", e.ips()), a == null ? "" : String.join(" ", a.ips()),
                    e == null ? "" : String.join(" ", e.macs()), a == null ? "" : String.join(" ", a.macs()),
                    e == null ? "" : n(e.vendor()), a == null ? "" : n(a.vendor()), e == null ? "" : n(e.model()), a == null ? "" : n(a.model()),
                    e == null ? "" : n(e.firmware()), a == null ? "" : n(a.firmware()), e == null ? "" : n(e.serial()), a == null ? "" : n(a.serial()),
                    d.toString()));
        }
        w.flush();
    }

    private static String n(String s) {
        return s == null ? "" : s;
    }

    /** The same page as PDF, from {@link ReportHtml#render(EvidenceReport, boolean)}'s PDF variant (topology as a PNG: no SVG drawer). */
    static void pdf(String html, Path file) throws IOException {
        XRLog.setLoggingEnabled(false);
        // PDFBox warns about font substitutions through commons-logging -> slf4j-simple; they are not the user's concern
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.pdfbox") == null) System.setProperty("org.slf4j.simpleLogger.log.org.apache.pdfbox", "error");
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file))) {
            PdfRendererBuilder b = new PdfRendererBuilder();
            b.useFastMode();
            b.withHtmlContent(html, null);
            b.toStream(o);
            b.run();
        }
    }

    static String csv(Reconciliation rec) throws IOException {
        StringWriter w = new StringWriter();
        reconciliationCsv(rec, w);
        return w.toString();
    }
}
