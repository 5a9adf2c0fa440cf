package io.hyperprune.engine.train;

import io.hyperprune.engine.compiled.CompiledTrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * What a checkpoint must hold for training to continue bit-identically, besides the graph, which a run
 * rebuilds from its settings: every learned variable, each one's updater state (Adam's two moments)
 * once training has started, and the iteration and epoch counts (Adam's bias correction reads the
 * iteration). The arrays stay where training keeps them, in native memory, so a checkpoint can be
 * streamed to a file and back without a copy of the model on the Java heap.
 */
public final class TrainingState {

    /** Entry-name prefix of a learned variable's array. */
    public static final String VARIABLE = "variable/";
    /** Entry-name prefix of an updater state array: {@code updater/<variable>/<key>}, e.g. Adam's M and V. */
    public static final String UPDATER = "updater/";

    /** Steps and epochs trained so far, as SameDiff's training config counts them. */
    public record Counters(int iterations, int epochs) {}

    private TrainingState() {}

    /**
     * Every array of the state by entry name, variables first, each group in name order: the graph's
     * own arrays (writing into them restores the state).
     */
    public static Map<String, INDArray> arrays(SameDiff sd) {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        TreeMap<String, INDArray> variables = new TreeMap<>();
        for (SDVariable variable : sd.variables()) {
            if (variable.getVariableType() == VariableType.VARIABLE) {
                variables.put(variable.name(), variable.getArr());
            }
        }
        variables.forEach((name, array) -> arrays.put(VARIABLE + name, array));
        if (sd.isInitializedTraining() && sd.getUpdaterMap() != null) {
            TreeMap<String, INDArray> states = new TreeMap<>();
            for (Map.Entry<String, GradientUpdater> updater : sd.getUpdaterMap().entrySet()) {
                Map<String, INDArray> state = updater.getValue().getState();
                if (state != null) {
                    state.forEach((key, array) -> states.put(UPDATER + updater.getKey() + "/" + key, array));
                }
            }
            arrays.putAll(states);
        }
        return arrays;
    }

    /** The counts of a graph being trained (zero before its first step). */
    public static Counters counters(SameDiff sd) {
        TrainingConfig config = sd.getTrainingConfig();
        return config == null ? new Counters(0, 0) : new Counters(config.getIterationCount(), config.getEpochCount());
    }

    /**
     * Readies a trainer's freshly built graph to take a saved state: its counts become {@code counters}
     * and, if the saved state has updater arrays, its updaters are created now (as SameDiff does on the
     * first step), so that {@link #arrays} names the arrays to fill.
     */
    public static void prepare(Trainer trainer, Counters counters, boolean withUpdater) {
        SameDiff sd = trainer.graph().sameDiff();
        TrainingConfig config = sd.getTrainingConfig();
        config.setIterationCount(counters.iterations());
        config.setEpochCount(counters.epochs());
        if (withUpdater && !sd.isInitializedTraining()) {
            CompiledTrainingStep.initializeTraining(sd);
        }
    }
}
