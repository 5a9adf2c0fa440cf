package io.hyperprune.runtime.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * The report written twice as it is built: {@code report.md} (figures linked) and a self-contained
 * {@code report.html} (figures embedded, no request leaves the file), section by section.
 */
final class ReportPage {

    private static final String STYLE = "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;"
            + "color:#222;line-height:1.45}h2{margin-top:2em;border-bottom:1px solid #ddd}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:right}th{background:#f3f3f3}img{max-width:100%;margin:4px 0;display:block}"
            + "img.half{max-width:640px;display:inline-block;vertical-align:top;margin:4px}details{margin:.6em 0}"
            + "summary{cursor:pointer;font-weight:bold}.claims li{margin:.7em 0}nav a{margin-right:1em}"
            + ".warning{border-left:4px solid #c00;padding:.4em .8em;background:#fff3f3}";

    private final Path directory;
    private final StringBuilder md = new StringBuilder();
    private final StringBuilder html = new StringBuilder();

    /** @param directory where the pages go: figures are linked relative to it */
    ReportPage(Path directory) {
        this.directory = directory;
    }

    void heading(String id, String text) {
        md.append("## ").append(text).append("\n\n");
        html.append("<h2 id=\"").append(id).append("\">").append(escape(text)).append("</h2>\n");
    }

    void paragraph(String text) {
        md.append(text).append("\n\n");
        html.append("<p>").append(escape(text)).append("</p>\n");
    }

    /** A warning the reader must not miss: bold title, then the text. */
    void warning(String title, String text) {
        md.append("**").append(title).append("** ").append(text).append("\n\n");
        html.append("<p class=\"warning\"><b>")
                .append(escape(title))
                .append("</b> ")
                .append(escape(text))
                .append("</p>\n");
    }

    /** Links to the page's sections (HTML only: Markdown viewers make their own). */
    void contents(List<String[]> sections) {
        html.append("<nav>");
        for (String[] section : sections) {
            html.append("<a href=\"#")
                    .append(section[0])
                    .append("\">")
                    .append(escape(section[1]))
                    .append("</a>");
        }
        html.append("</nav>\n");
    }

    /** A figure: full width, or {@code half} (two side by side). */
    void figure(Path png, boolean half) {
        String name = png.getFileName().toString();
        md.append("![")
                .append(name)
                .append("](")
                .append(directory
                        .toAbsolutePath()
                        .relativize(png.toAbsolutePath())
                        .toString()
                        .replace('\\', '/'))
                .append(")\n\n");
        html.append("<img")
                .append(half ? " class=\"half\"" : "")
                .append(" alt=\"")
                .append(escape(name))
                .append("\" src=\"data:image/png;base64,")
                .append(base64(png))
                .append("\">\n");
    }

    void claims(List<Claims.Claim> claims) {
        html.append("<ol class=\"claims\">\n");
        for (int i = 0; i < claims.size(); i++) {
            Claims.Claim claim = claims.get(i);
            md.append(i + 1)
                    .append(". **")
                    .append(claim.title())
                    .append(".** ")
                    .append(claim.sentence())
                    .append('\n');
            html.append("<li><b>")
                    .append(escape(claim.title()))
                    .append(".</b> ")
                    .append(escape(claim.sentence()))
                    .append("</li>\n");
        }
        md.append('\n');
        html.append("</ol>\n");
    }

    /** A Markdown table (or a sentence saying why there is none); collapsed in HTML when {@code collapsed}. */
    void table(String title, String markdownTable, boolean collapsed) {
        md.append("### ").append(title).append("\n\n").append(markdownTable).append('\n');
        if (collapsed) {
            html.append("<details><summary>")
                    .append(escape(title))
                    .append("</summary>")
                    .append(markdownTableToHtml(markdownTable))
                    .append("</details>\n");
        } else {
            html.append("<h3>")
                    .append(escape(title))
                    .append("</h3>")
                    .append(markdownTableToHtml(markdownTable))
                    .append('\n');
        }
    }

    /** Raw HTML only (e.g. opening a collapsed group of figures). */
    void htmlOnly(String fragment) {
        html.append(fragment);
    }

    String markdown(String title) {
        return "# " + title + "\n\n" + md;
    }

    String html(String title) {
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title><style>" + STYLE
                + "</style></head><body><h1>" + escape(title) + "</h1>\n" + html + "</body></html>\n";
    }

    static String markdownTableToHtml(String markdown) {
        StringBuilder out = new StringBuilder();
        List<String> lines = markdown.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("|")) {
            return "<p>" + escape(markdown) + "</p>";
        }
        out.append("<table>");
        for (int i = 0; i < lines.size(); i++) {
            if (i == 1 || !lines.get(i).startsWith("|")) {
                continue;
            }
            String[] cells =
                    lines.get(i).substring(1, lines.get(i).length() - 1).split("\\|");
            out.append("<tr>");
            for (String cell : cells) {
                out.append(i == 0 ? "<th>" : "<td>").append(escape(cell.trim())).append(i == 0 ? "</th>" : "</td>");
            }
            out.append("</tr>");
        }
        return out.append("</table>").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String base64(Path png) {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
