package io.hyperprune.api;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A hypernetwork G(t) of METHOD.md, "Hypernetwork": a learned map from the normalised complexity
 * parameter t = (ln lambda - ln lambda_min) / (ln lambda_max - ln lambda_min) to every posterior tensor
 * of the model. The plain models are the degenerate {@code constant} hypernetwork G(t) = b.
 *
 * <p>Usage by the runtime: one call to {@link #attach} per model graph, then one
 * {@link Generator#generate} call per tensor. The hypernetwork owns the trainable variables: it
 * creates them with {@code sd.var(...)}, named {@code tensor.name() + "/" + suffix}, initialised with
 * {@link TensorSpec#initialValue()} (every learned tensor starts from that same value, so G(t) at
 * initialisation does not depend on t). It must not create placeholders or loss variables.
 */
public interface Hypernetwork extends Component {

    /**
     * Starts generating the tensors of one graph.
     *
     * @param t shape {@code [K]}: the normalised lambda of each of the K models evaluated in one pass;
     *     not clamped: values outside [0, 1] mean lambdas outside the range, and the hypernetwork
     *     decides (and documents) how it extends itself there. K may differ between passes of one
     *     graph (training passes the lambda samples of a batch, evaluation every lambda it evaluates),
     *     so never build K into a shape: use -1 (the contract tests check it)
     */
    Generator attach(SameDiff sd, SDVariable t, ComponentOptions options);

    /** Generates tensors for one graph. */
    interface Generator {

        /**
         * G(t) for one tensor: shape {@code [K, ...tensor.shape()]}; a hypernetwork whose output does
         * not depend on t (the constant one) may return {@code [1, ...tensor.shape()]}, which
         * broadcasts over the model axis.
         */
        SDVariable generate(TensorSpec tensor);
    }
}
