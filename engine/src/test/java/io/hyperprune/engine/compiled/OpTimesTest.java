package io.hyperprune.engine.compiled;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpTimesTest {

    @Test
    void csvQuotesLabelsHoldingCommasSoEveryLineHasFiveFields() {
        OpTimes times = new OpTimes();
        times.start();
        times.run("matmul (sparse input, 2 threads, java)", () -> {});
        times.run("say \"hi\", then", () -> {});
        times.run("add", () -> {});
        List<String> lines = times.csv().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).startsWith("\"matmul (sparse input, 2 threads, java)\",1,"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("\"say \"\"hi\"\", then\",1,"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("add,1,"));
        for (String line : lines) {
            // Outside quotes, exactly four separators.
            assertThat(line.replaceAll("\"([^\"]|\"\")*\"", "q")
                            .chars()
                            .filter(c -> c == ',')
                            .count())
                    .as(line)
                    .isEqualTo(4);
        }
    }
}
