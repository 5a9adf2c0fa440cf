package io.hyperprune.runtime.selection;

import io.hyperprune.api.InputException;
import java.util.Comparator;
import java.util.Locale;

/** What {@code hyperprune select} optimises under: a parameter budget, or an accuracy to reach. */
public sealed interface Constraint {

    /** True when a candidate satisfies the constraint. */
    boolean admits(Candidate candidate);

    /** Better candidates first. */
    Comparator<Candidate> order();

    /** In the user's words, e.g. "at most 5000 parameters". */
    String describe();

    /** The most accurate model (on the validation split) with at most {@code count} remaining parameters. */
    record MaxParameters(long count) implements Constraint {
        public MaxParameters {
            if (count < 1) {
                throw new InputException("--max-parameters must be a positive number of parameters, got " + count);
            }
        }

        @Override
        public boolean admits(Candidate candidate) {
            return candidate.remainingParameters() <= count;
        }

        @Override
        public Comparator<Candidate> order() {
            return Comparator.comparingDouble(Candidate::validationAccuracy)
                    .reversed()
                    .thenComparingLong(Candidate::remainingParameters);
        }

        @Override
        public String describe() {
            return "at most " + count + " parameters";
        }
    }

    /** The model with the fewest remaining parameters whose validation accuracy is at least {@code accuracy}. */
    record MinAccuracy(double accuracy) implements Constraint {
        public MinAccuracy {
            if (!(accuracy > 0 && accuracy <= 1)) {
                throw new InputException("--min-accuracy must be a fraction in (0, 1], e.g. 0.95, got " + accuracy);
            }
        }

        @Override
        public boolean admits(Candidate candidate) {
            return candidate.validationAccuracy() >= accuracy;
        }

        @Override
        public Comparator<Candidate> order() {
            return Comparator.comparingLong(Candidate::remainingParameters)
                    .thenComparing(Comparator.comparingDouble(Candidate::validationAccuracy)
                            .reversed());
        }

        @Override
        public String describe() {
            return String.format(Locale.ROOT, "validation accuracy at least %.4f", accuracy);
        }
    }
}
