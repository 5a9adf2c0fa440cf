package io.hyperprune.runtime.experiment;

import io.hyperprune.api.InputException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The share of a grid one process runs: runs whose position modulo {@code count} equals
 * {@code index} (0-based). Defaults come from the job scheduler: Slurm job arrays
 * ({@code SLURM_ARRAY_TASK_ID} minus {@code SLURM_ARRAY_TASK_MIN}, of {@code SLURM_ARRAY_TASK_COUNT})
 * or Kubernetes indexed Jobs ({@code JOB_COMPLETION_INDEX} of {@code HYPERPRUNE_SHARD_COUNT}).
 */
public record Shard(int index, int count) {

    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new InputException("--shard " + index + "/" + count + " is invalid: need 0 <= i < N, e.g. --shard 0/4");
        }
    }

    /** Parses {@code i/N}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        try {
            if (parts.length == 2) {
                return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InputException("--shard '" + text + "' is not of the form i/N (0-based), e.g. --shard 0/4");
    }

    /** The shard the scheduler's environment asks for, or {@link #ALL}. */
    public static Shard fromEnvironment(Map<String, String> env) {
        if (env.containsKey("SLURM_ARRAY_TASK_ID") && env.containsKey("SLURM_ARRAY_TASK_COUNT")) {
            int min = Integer.parseInt(env.getOrDefault("SLURM_ARRAY_TASK_MIN", "0"));
            return new Shard(Integer.parseInt(env.get("SLURM_ARRAY_TASK_ID")) - min, Integer.parseInt(env.get("SLURM_ARRAY_TASK_COUNT")));
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            String count = env.get("HYPERPRUNE_SHARD_COUNT");
            if (count == null) {
                throw new InputException("JOB_COMPLETION_INDEX is set (Kubernetes indexed Job) but HYPERPRUNE_SHARD_COUNT is not;"
                        + " set it to the Job's completions, or pass --shard i/N");
            }
            return new Shard(Integer.parseInt(env.get("JOB_COMPLETION_INDEX")), Integer.parseInt(count));
        }
        return ALL;
    }

    public <T> List<T> select(List<T> runs) {
        return IntStream.range(0, runs.size()).filter(i -> i % count == index).mapToObj(runs::get).toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
