package io.hyperprune.runtime.run;

import java.util.List;

/**
 * {@code result.json}, written last and atomically: its presence means the run finished (completed
 * or diverged).
 *
 * @param status {@code completed} or {@code diverged}
 * @param epochs epochs completed
 * @param lambdas the lambdas evaluated at the end
 * @param testAccuracy final test accuracy at each lambda
 * @param parameters scalar parameters of the model f(x, w) (not of the hypernetwork)
 * @param trainingSeconds wall time spent training, summed over resumed parts
 * @param message why it diverged, or empty
 * @param modelSha256 SHA-256 of the model file ({@code model.npz}, earlier {@code model.fb}) these figures describe (null in files of older versions)
 */
public record RunResult(
        String status,
        int epochs,
        List<Double> lambdas,
        List<Double> testAccuracy,
        long parameters,
        double trainingSeconds,
        double secondsPerEpoch,
        String message,
        String modelSha256) {

    public static final String COMPLETED = "completed";
    public static final String DIVERGED = "diverged";

    public RunResult {
        lambdas = List.copyOf(lambdas);
        testAccuracy = List.copyOf(testAccuracy);
    }

    public boolean completed() {
        return COMPLETED.equals(status);
    }
}
