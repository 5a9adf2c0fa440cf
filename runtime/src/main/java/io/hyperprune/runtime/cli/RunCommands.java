package io.hyperprune.runtime.cli;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.InputException;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.train.Trainer;
import io.hyperprune.runtime.run.RunConfig;
import io.hyperprune.runtime.run.RunResolver;
import io.hyperprune.runtime.run.TrainingRun;
import io.hyperprune.runtime.wiring.ComponentRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Loading a run directory for {@code eval}, {@code prune} and {@code generate}. */
final class RunCommands {

    private RunCommands() {}

    /** A loaded run: its resolved components and data, the trained model, and where warnings go (stderr). */
    record LoadedRun(RunResolver.Resolved resolved, Trainer trainer, PrintStream warnings) {
        ComponentOptions evidenceOptions() {
            return new ComponentOptions(
                    resolved.evidence().id(), resolved.config().evidence().options());
        }

        /**
         * The lambdas to use: the given ones, else the run's own (a plain run's lambda, a hypernetwork's evaluation
         * lambdas). A hypernetwork serves any lambda, but outside the range it was trained on its output is an
         * extrapolation nobody checked: each such lambda gets a warning.
         */
        List<Double> lambdas(List<Double> given) {
            RunConfig config = resolved.config();
            if (given == null || given.isEmpty()) {
                warnOutsideRange(config, config.lambdas(), warnings);
                return config.lambdas();
            }
            for (double lambda : given) {
                if (!(lambda > 0) || !Double.isFinite(lambda)) {
                    throw new InputException("--lambda must be positive and finite, got " + lambda);
                }
            }
            if (config.plain()) {
                for (double lambda : given) {
                    if (!config.lambdas().contains(lambda)) {
                        throw new InputException("--lambda " + lambda
                                + ": the run holds plain models trained at lambda "
                                + config.lambdas() + " only; a plain model has no other lambdas (train a hypernetwork"
                                + " to get every lambda)");
                    }
                }
            }
            warnOutsideRange(config, given, warnings);
            return given;
        }

        long weightCount() {
            return trainer.graph().parameters().stream()
                    .filter(p -> p.kind() == ParameterSpec.Kind.WEIGHT)
                    .mapToLong(ParameterSpec::size)
                    .sum();
        }
    }

    /** Warns on {@code warnings} of each lambda outside the range a hypernetwork run was trained on. */
    static void warnOutsideRange(RunConfig config, List<Double> lambdas, PrintStream warnings) {
        if (config.plain()) {
            return; // a plain model exists only at its own lambdas
        }
        for (double lambda : lambdas) {
            if (lambda < config.lambdaMin() || lambda > config.lambdaMax()) {
                warnings.println("warning: lambda " + ConsoleProgress.format(lambda)
                        + " is outside the range this hypernetwork"
                        + " was trained on [" + ConsoleProgress.format(config.lambdaMin()) + ", "
                        + ConsoleProgress.format(config.lambdaMax()) + "]; its output there is an extrapolation");
            }
        }
    }

    /** Loads a run; warnings go to the process's stderr. */
    static LoadedRun load(Path run, ComponentRegistry registry, DataOptions data) {
        return load(run, registry, data, System.err);
    }

    static LoadedRun load(Path run, ComponentRegistry registry, DataOptions data, Console console) {
        return load(run, registry, data, console.err());
    }

    private static LoadedRun load(Path run, ComponentRegistry registry, DataOptions data, PrintStream warnings) {
        return load(run, new RunResolver(registry, data::request), warnings);
    }

    /** Loads a run with a resolver shared by several runs (each data set is then loaded once). */
    static LoadedRun load(Path run, RunResolver resolver, PrintStream warnings) {
        RunResolver.Resolved resolved = resolver.load(run);
        Trainer trainer = new TrainingRun(
                        resolved.config(), resolved.evidence(), resolved.hypernetwork(), resolved.data(), run)
                .load();
        return new LoadedRun(resolved, trainer, warnings);
    }
}
