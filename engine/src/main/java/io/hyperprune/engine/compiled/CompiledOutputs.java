package io.hyperprune.engine.compiled;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Some outputs of a graph (e.g. the evaluation logits) computed the way {@link CompiledTrainingStep}
 * computes gradients: ops ordered once, one plan of wired contexts and reused arrays per placeholder
 * shape signature. Why: SameDiff's {@code output} session kept arrays of every evaluation, and the
 * per-epoch evaluation grew resident memory every epoch (docs/performance.md, "Why each kernel
 * exists"). The returned arrays belong to the plan and are overwritten by the next call. Not thread-safe.
 */
public final class CompiledOutputs {

    private final List<String> outputs;
    private final OpSchedule schedule;
    private final Set<String> needed;
    private final Set<String> placeholders = new HashSet<>();
    private final Map<String, Plan> plans = new HashMap<>();

    private CompiledOutputs(SameDiff sd, List<String> outputs, OpSchedule schedule) {
        this.outputs = outputs;
        this.schedule = schedule;
        this.needed = schedule.needed();
        sd.variables().stream().filter(v -> v.isPlaceHolder()).forEach(v -> placeholders.add(v.name()));
    }

    /** Compiles the ops these outputs need, or empty if one needs SameDiff's session. */
    public static Optional<CompiledOutputs> compile(SameDiff sd, String... outputs) {
        List<String> names = List.of(outputs);
        return OpSchedule.of(sd, names).map(schedule -> new CompiledOutputs(sd, names, schedule));
    }

    /** The outputs for these placeholder values (placeholders the graph does not have are ignored). */
    public Map<String, INDArray> run(Map<String, INDArray> values) {
        Map<String, INDArray> inputs = new HashMap<>();
        values.forEach((name, value) -> {
            if (placeholders.contains(name) && needed.contains(name)) {
                inputs.put(name, value);
            }
        });
        Plan plan = plans.computeIfAbsent(
                OpSchedule.signature(inputs), key -> new Plan(schedule, Set.copyOf(outputs), null, null));
        plan.execute(inputs);
        Map<String, INDArray> result = new LinkedHashMap<>();
        for (String output : outputs) {
            result.put(output, plan.value(output));
        }
        return result;
    }

    /** Ops skipped in the plans built so far because an earlier op computes the same (for tests). */
    int repeats() {
        return plans.values().stream().mapToInt(Plan::repeats).sum();
    }

    /** Reshapes in the plans built so far whose output is a view of their input (for tests). */
    int views() {
        return plans.values().stream().mapToInt(Plan::views).sum();
    }

    /** Output arrays the plans built so far took that were free again: dead arrays of earlier ops (for tests). */
    int reused() {
        return plans.values().stream().mapToInt(Plan::reused).sum();
    }

    /** Shape ops in the plans built so far computed once, when the plan was built (for tests). */
    int folded() {
        return plans.values().stream().mapToInt(Plan::folded).sum();
    }
}
