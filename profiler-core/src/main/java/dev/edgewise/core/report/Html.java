package dev.edgewise.core.report;

import java.util.List;
import org.jsoup.nodes.Element;

/**
 * Small helpers over jsoup's element API. Content only ever enters through {@link Element#text},
 * which escapes on output, so no string from a model or device can become markup.
 */
final class Html {
    private Html() {
    }

    static Element section(Element body, String id, String heading) {
        Element s = body.appendElement("section").id(id);
        s.appendElement("h2").text(heading);
        return s;
    }

    static Element para(Element parent, String text) {
        return parent.appendElement("p").text(text);
    }

    /** A table with one header row; {@code numericFrom} right-aligns columns from that index on. */
    static Element table(Element parent, String cls, List<String> headers) {
        Element table = parent.appendElement("table").addClass(cls);
        Element tr = table.appendElement("thead").appendElement("tr");
        headers.forEach(h -> tr.appendElement("th").text(h));
        table.appendElement("tbody");
        return table;
    }

    static Element row(Element table, List<String> cells) {
        Element tr = table.selectFirst("tbody").appendElement("tr");
        cells.forEach(c -> tr.appendElement("td").text(c));
        return tr;
    }

    /** A key/value row of a summary table. */
    static void keyValue(Element table, String key, String value) {
        Element tr = table.selectFirst("tbody").appendElement("tr");
        tr.appendElement("th").attr("scope", "row").text(key);
        tr.appendElement("td").text(value);
    }

    /** A provenance badge: "counted", "measured: INA219 VDD_IN", coloured by kind. */
    static Element badge(Element parent, Origin origin) {
        return parent.appendElement("span").addClass("prov").addClass("prov-" + origin.provenance().key())
            .text(origin.shortLabel());
    }

    /** Marks numeric cells so print and screen align them right. */
    static void numeric(Element tr, int fromColumn) {
        var cells = tr.children();
        for (int i = fromColumn; i < cells.size(); i++) {
            cells.get(i).addClass("num");
        }
    }

    static Element figure(Element parent, Element svg, String caption) {
        Element fig = parent.appendElement("figure");
        fig.appendChild(svg);
        fig.appendElement("figcaption").text(caption);
        return fig;
    }
}
