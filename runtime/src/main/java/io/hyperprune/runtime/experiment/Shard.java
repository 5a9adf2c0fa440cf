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
            throw new InputException(
                    "--shard " + index + "/" + count + " is invalid: need 0 <= i < N, e.g. --shard 0/4");
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
            int min = variable(env, "SLURM_ARRAY_TASK_MIN", "0");
            int id = variable(env, "SLURM_ARRAY_TASK_ID", null);
            int count = variable(env, "SLURM_ARRAY_TASK_COUNT", null);
            if (id - min < 0 || id - min >= count) {
                throw new InputException(
                        "the Slurm array variables give shard " + (id - min) + " of " + count + " (SLURM_ARRAY_TASK_ID="
                                + id + ", SLURM_ARRAY_TASK_MIN=" + min + ", SLURM_ARRAY_TASK_COUNT=" + count
                                + "); use a contiguous"
                                + " --array such as 0-7, or pass --shard i/N");
            }
            return new Shard(id - min, count);
        }
        if (env.containsKey("JOB_COMPLETION_INDEX")) {
            String count = env.get("HYPERPRUNE_SHARD_COUNT");
            if (count == null) {
                throw new InputException(
                        "JOB_COMPLETION_INDEX is set (Kubernetes indexed Job) but HYPERPRUNE_SHARD_COUNT is not;"
                                + " set it to the Job's completions, or pass --shard i/N");
            }
            return new Shard(
                    variable(env, "JOB_COMPLETION_INDEX", null), variable(env, "HYPERPRUNE_SHARD_COUNT", null));
        }
        return ALL;
    }

    private static int variable(Map<String, String> env, String name, String fallback) {
        String value = env.getOrDefault(name, fallback);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new InputException(
                    "environment variable " + name + "='" + value + "' is not a whole number; the shard of this"
                            + " process is read from it: fix it (or unset it), or pass --shard i/N");
        }
    }

    public <T> List<T> select(List<T> runs) {
        return IntStream.range(0, runs.size())
                .filter(i -> i % count == index)
                .mapToObj(runs::get)
                .toList();
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
