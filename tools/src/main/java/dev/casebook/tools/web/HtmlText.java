package dev.casebook.tools.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/** Readable text of an HTML page: block structure kept as lines, scripts, styles and navigation chrome dropped. */
record HtmlText(String title, String text, List<String> links) {
    private static final int MAX_LINKS = 40;
    private static final Set<String> DROPPED = Set.of(
            "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "form", "nav", "footer");

    static HtmlText of(Document document) {
        document.select(String.join(",", DROPPED)).remove();
        Element body = document.body();
        StringBuilder out = new StringBuilder();
        body.traverse(new Lines(out));
        Set<String> links = new LinkedHashSet<>();
        for (Element a : body.select("a[href]")) {
            String href = a.absUrl("href");
            if (href.startsWith("http") && links.size() < MAX_LINKS) {
                String label = a.text().strip();
                links.add(label.isEmpty() ? href : label + " <" + href + ">");
            }
        }
        return new HtmlText(document.title().strip(), tidy(out), new ArrayList<>(links));
    }

    private static String tidy(CharSequence raw) {
        return raw.toString()
                .replaceAll("[ \\t\\u00a0]+", " ")
                .replaceAll(" *\\n *", "\n")
                .replaceAll("\\n{3,}", "\n\n")
                .strip();
    }

    private record Lines(StringBuilder out) implements NodeVisitor {
        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode text) {
                out.append(text.text());
            } else if (node instanceof Element element) {
                String tag = element.normalName();
                if (tag.equals("br")) {
                    out.append('\n');
                } else if (tag.equals("li")) {
                    out.append("\n- ");
                } else if (tag.matches("h[1-6]")) {
                    out.append("\n\n").append("#".repeat(tag.charAt(1) - '0')).append(' ');
                } else if (tag.equals("td") || tag.equals("th")) {
                    out.append(" | ");
                } else if (element.isBlock()) {
                    out.append('\n');
                }
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (node instanceof Element element && !element.normalName().matches("t[dh]")
                    && (element.isBlock() || element.normalName().equals("tr"))) {
                out.append('\n');
            }
        }
    }
}
