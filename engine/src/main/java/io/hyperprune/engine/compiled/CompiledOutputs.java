package io.hyperprune.engine.compiled;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 * shape signature (the last {@value #MAX_PLANS}). Why: SameDiff's {@code output} session kept arrays of every evaluation, and the
 * per-epoch evaluation grew resident memory every epoch (docs/performance.md, "Why each kernel
 * exists"). The returned arrays belong to the plan and are overwritten by the next call. Not thread-safe.
 */
public final class CompiledOutputs {

    private final List<String> outputs;
    private final OpSchedule schedule;
    private final Set<String> needed;
    private final Set<String> placeholders = new HashSet<>();
    /**
     * Plans by placeholder shape signature, the most recently used last; at most {@value #MAX_PLANS}, the
     * least recently used released (a conv net's evaluation passes of several model counts and a last
     * partial batch would otherwise each keep their arrays for good).
     */
    private final LinkedHashMap<String, Plan> plans = new LinkedHashMap<>(16, 0.75f, true);

    static final int MAX_PLANS = 3;

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
        String signature = OpSchedule.signature(inputs);
        Plan plan = plans.get(signature);
        if (plan == null) {
            if (plans.size() >= MAX_PLANS) {
                Iterator<Plan> eldest = plans.values().iterator();
                eldest.next().release();
                eldest.remove();
            }
            plan = new Plan(schedule, Set.copyOf(outputs), null, null);
            plans.put(signature, plan);
        }
        plan.execute(inputs);
        Map<String, INDArray> result = new LinkedHashMap<>();
        for (String output : outputs) {
            result.put(output, plan.value(output));
        }
        return result;
    }

    /** Plans held now (for tests). */
    int plans() {
        return plans.size();
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
