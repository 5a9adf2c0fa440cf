package io.hyperprune.runtime.cli;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.runtime.engine.Trainer;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.nio.file.Path;
import java.util.List;

/** Loading a run directory for {@code eval}, {@code prune} and {@code generate}. */
final class RunCommands {

    private RunCommands() {}

    /** A loaded run: its resolved components and data, and the trained model. */
    record LoadedRun(RunResolver.Resolved resolved, Trainer trainer) {
        ComponentOptions evidenceOptions() {
            return new ComponentOptions(resolved.evidence().id(), resolved.config().evidence().options());
        }

        /** The lambdas to use: the given ones, else the run's own (a plain run's lambda, a hypernetwork's evaluation lambdas). */
        List<Double> lambdas(List<Double> given) {
            if (given == null || given.isEmpty()) {
                return resolved.config().lambdas();
            }
            if (resolved.config().plain()) {
                for (double lambda : given) {
                    if (!resolved.config().lambdas().contains(lambda)) {
                        throw new io.hyperprune.api.InputException("--lambda " + lambda + ": the run holds plain models trained at lambda "
                                + resolved.config().lambdas() + " only; a plain model has no other lambdas (train a hypernetwork"
                                + " to get every lambda)");
                    }
                }
            }
            for (double lambda : given) {
                if (!(lambda > 0)) {
                    throw new io.hyperprune.api.InputException("--lambda must be positive, got " + lambda);
                }
            }
            return given;
        }

        long weightCount() {
            return trainer.graph().parameters().stream().filter(p -> p.kind() == ParameterSpec.Kind.WEIGHT)
                    .mapToLong(ParameterSpec::size).sum();
        }
    }

    static LoadedRun load(Path run, ComponentRegistry registry, DataOptions data) {
        RunResolver.Resolved resolved = new RunResolver(registry, data::request).load(run);
        Trainer trainer = new TrainingRun(resolved.config(), resolved.evidence(), resolved.hypernetwork(), resolved.data(), run).load();
        return new LoadedRun(resolved, trainer);
    }
}
