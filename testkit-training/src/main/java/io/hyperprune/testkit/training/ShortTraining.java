package io.hyperprune.testkit.training;

import static java.util.Objects.requireNonNull;

import io.hyperprune.api.Component;
import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.DataRequest;
import io.hyperprune.api.Dataset;
import io.hyperprune.api.DatasetProvider;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.LambdaRange;
import io.hyperprune.api.PruningCriterion;
import io.hyperprune.api.PruningMasks;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelSpec;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.engine.train.Training;
import io.hyperprune.engine.train.TrainingSettings;
import io.hyperprune.runtime.pruning.PruningSweep;
import io.hyperprune.runtime.run.ComponentOptionsParser;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Runs one component of a plugin inside a short but real training and pruning run: the synthetic data
 * set (784 features, 10 classes, 2000/500 samples), an MLP 784-32-10, Adam, a few epochs; the roles
 * the test does not fill are taken by bundled components ({@code variational} evidence, the plain
 * {@code constant} hypernetwork, {@code relative-density} pruning when
 * hyperprune-plugin-pruning-criteria is on the test class path). For example:
 *
 * <pre>{@code
 * ShortTraining.Result result = ShortTraining.with(new MyCriterion()).run();
 * assertThat(result.accuracy()).isGreaterThan(0.8);
 * assertThat(result.prunedAccuracy().get(0.5)).isGreaterThan(0.7);
 * }</pre>
 */
public final class ShortTraining {

    /**
     * @param accuracy test accuracy after training at the lambda, nothing deleted
     * @param prunedAccuracy test accuracy with each fraction of the weights deleted by the criterion
     *     (per layer), by fraction
     * @param epochs the epochs trained
     */
    public record Result(double accuracy, Map<Double, Double> prunedAccuracy, int epochs) {
        public Result {
            prunedAccuracy = Map.copyOf(prunedAccuracy);
        }
    }

    private Evidence evidence = find(Evidence.class, "variational");
    private Hypernetwork hypernetwork = new ConstantHypernetwork();
    /** Null: {@code relative-density} from the class path (hyperprune-plugin-pruning-criteria), found when run. */
    private PruningCriterion criterion;

    private Map<String, Map<String, String>> options = new LinkedHashMap<>();
    private int epochs = 3;
    private double lambda = 0.01;
    private long seed = 0;
    private List<Double> fractions = List.of(0.5, 0.9);

    private ShortTraining() {}

    /** A run with the given evidence, hypernetwork or pruning criterion in its role. */
    public static ShortTraining with(Component component) {
        ShortTraining run = new ShortTraining();
        if (component instanceof Evidence e) {
            run.evidence = e;
        } else if (component instanceof Hypernetwork h) {
            run.hypernetwork = h;
        } else if (component instanceof PruningCriterion c) {
            run.criterion = c;
        } else {
            throw new IllegalArgumentException(
                    "ShortTraining runs an evidence, a hypernetwork or a pruning criterion, got "
                            + component.getClass().getName());
        }
        return run;
    }

    /**
     * Options of a component, by component id (as {@code -O id.name=value} on the command line; checked
     * against the options the component declares when run).
     */
    public ShortTraining option(String component, String name, String value) {
        options.computeIfAbsent(component, c -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    public ShortTraining epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    public ShortTraining lambda(double lambda) {
        this.lambda = lambda;
        return this;
    }

    public ShortTraining seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Deletion fractions in [0, 1] to evaluate (default 0.5 and 0.9). */
    public ShortTraining fractions(Double... fractions) {
        this.fractions = List.of(fractions);
        return this;
    }

    /** Trains, evaluates and prunes; deterministic for a seed and thread count. */
    public Result run() {
        PruningCriterion criterion =
                this.criterion != null ? this.criterion : find(PruningCriterion.class, "relative-density");
        DatasetProvider synthetic = find(DatasetProvider.class, "synthetic");
        ComponentOptionsParser parser = new ComponentOptionsParser(options);
        parser.checkAllUsed(List.of(evidence, hypernetwork, criterion));
        Dataset data = synthetic.load(new DataRequest(
                List.of(),
                Path.of("unused"),
                true,
                List.of(),
                seed,
                new ComponentOptions(
                        "synthetic", Map.of("train-size", "2000", "test-size", "500", "separation", "0.3"))));
        ModelSpec model = ModelSpec.parse(data.inputSize() + "-32-" + data.classes());
        boolean plain = ConstantHypernetwork.isPlain(hypernetwork);
        Trainer trainer = Training.start(
                model,
                evidence,
                parser.optionsFor(evidence),
                hypernetwork,
                parser.optionsFor(hypernetwork),
                new TrainingSettings(
                        epochs, 100, 5e-3, 1.0, seed, List.of(lambda), plain ? 1 : 3, LambdaRange.REFERENCE),
                data);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            trainer.trainEpoch(epoch, step -> {});
        }
        double accuracy = trainer.testAccuracy(List.of(lambda), Map.of()).get(0);
        Map<Double, Double> pruned = new LinkedHashMap<>();
        PruningSweep sweep = new PruningSweep(trainer, evidence, parser.optionsFor(evidence), seed);
        for (PruningSweep.Point point :
                sweep.sweep(lambda, criterion, parser.optionsFor(criterion), PruningMasks.Scope.LAYER, fractions)) {
            pruned.put(point.deletedPercent() / 100, point.accuracy());
        }
        return new Result(accuracy, pruned, epochs);
    }

    private static <T extends Component> T find(Class<T> spi, String id) {
        return ServiceLoader.load(spi, ShortTraining.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no " + spi.getSimpleName() + " '" + requireNonNull(id) + "' on the class path"));
    }
}
