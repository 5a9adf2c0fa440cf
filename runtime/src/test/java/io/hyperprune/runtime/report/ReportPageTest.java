package io.hyperprune.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportPageTest {

    @Test
    void markdownTablesBecomeEscapedHtmlTables() {
        assertThat(ReportPage.markdownTableToHtml("| a | b<c |\n|---|---|\n| 1 | 2 |\n"))
                .isEqualTo("<table><tr><th>a</th><th>b&lt;c</th></tr><tr><td>1</td><td>2</td></tr></table>");
    }

    @Test
    void textThatIsNoTableBecomesAParagraph() {
        assertThat(ReportPage.markdownTableToHtml("No \"table\" & more"))
                .isEqualTo("<p>No &quot;table&quot; &amp; more</p>");
    }
}
