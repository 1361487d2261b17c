package dev.edgewise.core.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.contentstream.PDContentStream;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.pdfparser.PDFStreamParser;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;

/** Reads the drawing operators of a PDF page, following form XObjects (where SVG charts are drawn). */
final class PdfContent {
    /** One operator with its numeric operands. */
    record Op(String name, List<Float> numbers) {
    }

    private PdfContent() {
    }

    static List<Op> operators(PDPage page) throws IOException {
        List<Op> ops = new ArrayList<>();
        collect(page, page.getResources(), ops, 0);
        return ops;
    }

    private static void collect(PDContentStream stream, PDResources resources, List<Op> ops, int depth)
        throws IOException {
        if (depth > 8) {
            return;
        }
        List<Object> tokens = new PDFStreamParser(stream).parse();
        List<Float> numbers = new ArrayList<>();
        COSName lastName = null;
        for (Object t : tokens) {
            if (t instanceof COSNumber n) {
                numbers.add(n.floatValue());
            } else if (t instanceof COSName n) {
                lastName = n;
            } else if (t instanceof Operator o) {
                ops.add(new Op(o.getName(), List.copyOf(numbers)));
                if (o.getName().equals("Do") && lastName != null && resources != null) {
                    PDXObject x = resources.getXObject(lastName);
                    if (x instanceof PDFormXObject form) {
                        collect(form, form.getResources() != null ? form.getResources() : resources, ops, depth + 1);
                    }
                }
                numbers.clear();
                lastName = null;
            }
        }
    }

    /** How many times a fill colour close to the given #rrggbb is set. */
    static long fillColourUses(List<Op> ops, String hex) {
        float r = Integer.parseInt(hex.substring(1, 3), 16) / 255f;
        float g = Integer.parseInt(hex.substring(3, 5), 16) / 255f;
        float b = Integer.parseInt(hex.substring(5, 7), 16) / 255f;
        return ops.stream().filter(o -> (o.name().equals("rg") || o.name().equals("sc") || o.name().equals("scn"))
            && o.numbers().size() == 3 && Math.abs(o.numbers().get(0) - r) < 0.01
            && Math.abs(o.numbers().get(1) - g) < 0.01 && Math.abs(o.numbers().get(2) - b) < 0.01).count();
    }
}
