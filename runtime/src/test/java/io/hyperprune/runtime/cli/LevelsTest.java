package io.hyperprune.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LevelsTest {

    @Test
    void rangesAndListsGiveIncreasingPercentages() {
        assertThat(Levels.parse("0:90:10")).containsExactly(0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0);
        assertThat(Levels.parse("0:0.3:0.1")).containsExactly(0.0, 0.1, 0.2, 0.3);
        assertThat(Levels.parse("50:50:1")).containsExactly(50.0);
        assertThat(Levels.parse("0:100:0.1")).hasSize(1001).endsWith(100.0);
        assertThat(Levels.parse("0, 50,90")).containsExactly(0.0, 50.0, 90.0);
        assertThat(ExperimentCommand.parseLevels("0:20:10")).containsExactly(0.0, 10.0, 20.0);
    }

    @Test
    void everyLevelListThatIsNotASweepIsRejectedNamingWhy() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("90:0:10", "--levels 90:0:10 gives no level: from must be <= to, e.g. 0:90:10");
        cases.put("0:90:0.000001", "--levels 0:90:0.000001 gives 90000001 levels; at most 1001 (a step of 0.1 %)");
        cases.put("0:90:1e-300", "--levels 0:90:1e-300 gives over 10^15 levels");
        cases.put("0:90:0", "--levels 0:90:0: the step must be positive");
        cases.put("0:90:-10", "the step must be positive");
        cases.put("0:NaN:10", "'NaN' is not a number");
        cases.put("0:Infinity:10", "'Infinity' is not a number");
        cases.put("0:190:10", "190.0 is not a percentage in [0, 100]");
        cases.put("-10:90:10", "-10.0 is not a percentage in [0, 100]");
        cases.put("0:90", "is not from:to:step");
        cases.put("0:90:10:5", "is not from:to:step");
        cases.put("", "'' is not a number");
        cases.put("0,,50", "'' is not a number");
        cases.put("50,10", "levels must increase (50.0 then 10.0)");
        cases.put("10,10", "levels must increase");
        cases.put("0,101", "101.0 is not a percentage");
        cases.put("NaN", "'NaN' is not a number");
        cases.put(String.join(",", Collections.nCopies(2000, "1")), "--levels gives 2000 levels; at most 1001");
        cases.forEach((text, message) -> assertThatThrownBy(() -> Levels.parse(text))
                .as(text)
                .isInstanceOf(InputException.class)
                .hasMessageContaining(message));
    }

    @Test
    void theSizeOfARangeIsKnownBeforeItIsBuilt() {
        // The old loop built every level first: this one ran out of memory.
        assertThatThrownBy(() -> Levels.parse("0:100:" + Double.MIN_VALUE))
                .isInstanceOf(InputException.class)
                .hasMessage("--levels 0:100:4.9E-324 gives over 10^15 levels; at most 1001 (a step of 0.1 %)");
    }
}
