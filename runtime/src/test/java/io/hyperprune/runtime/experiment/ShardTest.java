package io.hyperprune.runtime.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.InputException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The shard of a Slurm array task, from the variables Slurm 22.05 sets (as seen in SlurmIT's cluster). */
class ShardTest {

    private static Map<String, String> task(int id, int min, int max, int step, int count) {
        return Map.of(
                "SLURM_ARRAY_TASK_ID", String.valueOf(id),
                "SLURM_ARRAY_TASK_MIN", String.valueOf(min),
                "SLURM_ARRAY_TASK_MAX", String.valueOf(max),
                "SLURM_ARRAY_TASK_STEP", String.valueOf(step),
                "SLURM_ARRAY_TASK_COUNT", String.valueOf(count));
    }

    @Test
    void everyTaskOfARangeGetsItsOwnShare() {
        // --array=2-4, --array=0-3%1 (a limit changes no variable), --array=0-6:2
        assertThat(IntStream.rangeClosed(2, 4).mapToObj(id -> Shard.fromEnvironment(task(id, 2, 4, 1, 3))))
                .containsExactly(new Shard(0, 3), new Shard(1, 3), new Shard(2, 3));
        assertThat(IntStream.rangeClosed(0, 3).mapToObj(id -> Shard.fromEnvironment(task(id, 0, 3, 1, 4))))
                .containsExactly(new Shard(0, 4), new Shard(1, 4), new Shard(2, 4), new Shard(3, 4));
        // Before steps were counted, tasks 2 and 4 took shares 2 and 4 of 4: 1 and 3 were never run.
        assertThat(List.of(0, 2, 4, 6).stream().map(id -> Shard.fromEnvironment(task(id, 0, 6, 2, 4))))
                .containsExactly(new Shard(0, 4), new Shard(1, 4), new Shard(2, 4), new Shard(3, 4));
    }

    @Test
    void aListThatIsNoRangeIsRefusedByEveryTaskNamingTheFix() {
        // --array=0,3,5: Slurm sets MIN=0 MAX=5 STEP=1 COUNT=3; task 0 alone used to run share 0 of 3.
        for (int id : List.of(0, 3, 5)) {
            assertThatThrownBy(() -> Shard.fromEnvironment(task(id, 0, 5, 1, 3)))
                    .isInstanceOf(InputException.class)
                    .hasMessageContaining("the Slurm array is not a range of task ids (SLURM_ARRAY_TASK_ID=" + id)
                    .hasMessageContaining("use a range such as --array=0-7")
                    .hasMessageContaining("--shard i/N");
        }
    }

    @Test
    void withoutMaxAndStepTheRangeIsContiguous() {
        assertThat(Shard.fromEnvironment(
                        Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_COUNT", "2")))
                .isEqualTo(new Shard(1, 2));
        assertThatThrownBy(
                        () -> Shard.fromEnvironment(Map.of("SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_COUNT", "2")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("SLURM_ARRAY_TASK_ID=7");
    }
}
