package io.hyperprune.runtime.experiment;

import io.hyperprune.api.InputException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The share of a grid one process runs: runs whose position modulo {@code count} equals
 * {@code index} (0-based). Defaults come from the job scheduler: Slurm job arrays (the task's position
 * in the array's range, {@code (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP}, of
 * {@code SLURM_ARRAY_TASK_COUNT})
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
            int step = variable(env, "SLURM_ARRAY_TASK_STEP", "1");
            int max = variable(env, "SLURM_ARRAY_TASK_MAX", String.valueOf(min + (count - 1) * step));
            // The task's position in a range such as 0-7 or 0-14:2 (a limit such as %2 changes nothing). A list such
            // as 0,3,5 is refused by every task alike: some of them would otherwise run no share, or another's.
            boolean range = step >= 1 && max >= min && (max - min) % step == 0 && (max - min) / step + 1 == count;
            if (!range || id < min || id > max || (id - min) % step != 0) {
                throw new InputException("the Slurm array is not a range of task ids (SLURM_ARRAY_TASK_ID=" + id
                        + ", SLURM_ARRAY_TASK_MIN=" + min + ", SLURM_ARRAY_TASK_MAX=" + max
                        + ", SLURM_ARRAY_TASK_STEP=" + step + ", SLURM_ARRAY_TASK_COUNT=" + count
                        + "), so its tasks cannot tell their shares; use a range such as --array=0-7 (a step such as"
                        + " 0-14:2 or a limit such as 0-7%2 is fine), or pass --shard i/N");
            }
            return new Shard((id - min) / step, count);
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
