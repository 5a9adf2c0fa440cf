package io.hyperprune.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Sample(int count, long seed, double rate, boolean flag, List<Double> values, Map<String, String> options) {}

    @Test
    void whatTheRuntimeWritesReadsBackIncludingNaNAndInfinity() throws Exception {
        Sample sample = new Sample(
                3, 1L << 40, 0.5, true, List.of(Double.NaN, Double.POSITIVE_INFINITY, 1.0), Map.of("a", "1"));
        assertThat(Json.MAPPER.readValue(Json.write(sample), Sample.class)).isEqualTo(sample);
        RunResult result = new RunResult(
                "diverged", 2, List.of(0.1, 1.0), List.of(Double.NaN, 0.5), 100, 1.5, 0.75, "loss is NaN", "ab12");
        assertThat(Json.MAPPER.readValue(Json.write(result), RunResult.class)).isEqualTo(result);
    }

    @Test
    void readingRejectsWhatWouldBeSilentlyReinterpreted() {
        for (String text : List.of(
                "{\"count\": 1.7}", // truncated to 1
                "{\"count\": \"3\"}", // a string for a number
                "{\"rate\": \"0.5\"}",
                "{\"count\": true}",
                "{\"flag\": 1}", // a number for a boolean
                "{\"flag\": \"true\"}",
                "{\"count\": null}", // null for a number would become 0
                "{\"count\": \"\"}",
                "{\"count\": 1, \"count\": 2}", // the last one would win
                "{\"count\": 1} {\"count\": 2}", // trailing garbage
                "{\"count\": 1} x")) {
            assertThatThrownBy(() -> Json.MAPPER.readValue(text, Sample.class))
                    .as(text)
                    .isInstanceOf(JsonProcessingException.class);
        }
        assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\": 1} ]")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.MAPPER.readTree("{\"a\": 1, \"a\": 1}"))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void integersWidenToFloatingPointAndNumbersToText() throws Exception {
        Sample sample = Json.MAPPER.readValue(
                "{\"count\": 2, \"seed\": 7, \"rate\": 1, \"flag\": false, \"values\": [1, 2.5],"
                        + " \"options\": {\"pivots\": 4}}",
                Sample.class);
        assertThat(sample.rate()).isEqualTo(1.0);
        assertThat(sample.values()).containsExactly(1.0, 2.5);
        assertThat(sample.options()).containsEntry("pivots", "4");
    }
}
