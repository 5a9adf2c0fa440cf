package io.hyperprune.api;

import static java.util.Objects.requireNonNull;

/**
 * One tensor an {@link Evidence} keeps per model parameter, e.g. role {@code mean} and role
 * {@code log-sigma} for the variational kinds, or role {@code value} for a deterministic net.
 *
 * @param role kebab-case, unique among the evidence's tensors for one parameter
 * @param init initial value of every learned tensor behind it
 */
public record PosteriorTensor(String role, ParameterInit init) {

    public PosteriorTensor {
        requireNonNull(role, "role is null");
        requireNonNull(init, "init is null");
    }
}
