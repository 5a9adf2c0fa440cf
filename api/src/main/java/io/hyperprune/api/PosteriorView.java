package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One parameter tensor of a concrete model (one lambda) as pruning sees it: the weight used at
 * evaluation (the posterior mean mu, or the deterministic w) and, for the variational kinds, the
 * posterior standard deviation sigma. Both have the parameter's shape.
 */
public record PosteriorView(ParameterSpec parameter, INDArray mean, Optional<INDArray> sigma) {

    public PosteriorView {
        requireNonNull(parameter, "parameter is null");
        requireNonNull(mean, "mean is null");
        requireNonNull(sigma, "sigma is null");
        if (!Arrays.equals(mean.shape(), parameter.shape())) {
            throw new IllegalArgumentException("mean of " + parameter.name() + " has shape "
                    + Arrays.toString(mean.shape()) + ", expected " + Arrays.toString(parameter.shape()));
        }
        sigma.ifPresent(s -> {
            if (!Arrays.equals(s.shape(), parameter.shape())) {
                throw new IllegalArgumentException(
                        "sigma of " + parameter.name() + " has the wrong shape " + Arrays.toString(s.shape()));
            }
        });
    }

    public static PosteriorView deterministic(ParameterSpec parameter, INDArray value) {
        return new PosteriorView(parameter, value, Optional.empty());
    }

    public static PosteriorView gaussian(ParameterSpec parameter, INDArray mean, INDArray sigma) {
        return new PosteriorView(parameter, mean, Optional.of(sigma));
    }
}
