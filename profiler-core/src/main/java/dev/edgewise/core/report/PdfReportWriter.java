package dev.edgewise.core.report;

import com.openhtmltopdf.outputdevice.helper.ExternalResourceControlPriority;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer.SvgExternalResourceMode;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer.SvgScriptMode;
import com.openhtmltopdf.util.XRLog;
import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jsoup.helper.W3CDom;
import org.jsoup.nodes.Document;

/**
 * The HTML report laid out as PDF by openhtmltopdf (PDFBox underneath), its inline SVG charts drawn
 * as vectors by Batik. Same document as the HTML writer, so both always show the same content.
 * All external access (URIs, fonts, images, SVG references and scripts) is refused.
 */
public final class PdfReportWriter implements ReportWriter {
    /**
     * PDFBox warns once per standard PDF font that the machine lacks (it only matters for drawing
     * PDFs on screen, not for writing them); held strongly so the level is not lost to GC.
     */
    private static final Logger PDFBOX_FONTS = Logger.getLogger("org.apache.pdfbox.pdmodel.font");

    static {
        // openhtmltopdf logs every layout step at INFO; keep warnings and errors only. Our stylesheet is
        // fixed and carries browser-only print properties, whose "unrecognized" notes help nobody.
        XRLog.listRegisteredLoggers().forEach(name -> XRLog.setLevel(name, Level.WARNING));
        XRLog.setLevel(XRLog.CSS_PARSE, Level.SEVERE);
        PDFBOX_FONTS.setLevel(Level.SEVERE);
    }

    @Override
    public String id() {
        return "pdf";
    }

    @Override
    public String formatName() {
        return "PDF (print layout, with charts)";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("pdf");
    }

    @Override
    public void write(Report report, OutputStream out) throws IOException {
        Document html = HtmlReportDocument.build(report);
        org.w3c.dom.Document w3c = new W3CDom().fromJsoup(html);
        PdfRendererBuilder builder = new PdfRendererBuilder();
        builder.useFastMode();
        builder.useSVGDrawer(new BatikSVGDrawer(SvgScriptMode.SECURE, SvgExternalResourceMode.SECURE));
        builder.useExternalResourceAccessControl((uri, type) -> false,
            ExternalResourceControlPriority.RUN_BEFORE_RESOLVING_URI);
        builder.useExternalResourceAccessControl((uri, type) -> false,
            ExternalResourceControlPriority.RUN_AFTER_RESOLVING_URI);
        builder.withProducer(report.generator());
        builder.withW3cDocument(w3c, "about:report");
        builder.toStream(out);
        try {
            builder.run();
        } catch (RuntimeException e) {
            throw new IOException("PDF layout failed for '" + report.title() + "': " + e.getMessage(), e);
        }
    }
}
