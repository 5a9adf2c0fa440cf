package io.hyperprune.runtime.boundary;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.api.PosteriorTensor;
import io.hyperprune.api.PosteriorView;
import io.hyperprune.engine.graph.TensorChecks;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An evidence whose results are checked against {@link Evidence}'s contract. The shapes of its graph
 * results are only known once the graph runs: the engine checks them when it builds the graph.
 */
final class GuardedEvidence extends GuardedComponent<Evidence> implements Evidence {

    private static final Pattern ROLE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    GuardedEvidence(Evidence delegate, PluginRef plugin, String description, Map<String, String> options) {
        super(delegate, plugin, description, options);
    }

    @Override
    public List<PosteriorTensor> posterior(ParameterSpec parameter, ComponentOptions options) {
        List<PosteriorTensor> tensors = call("posterior", () -> delegate.posterior(parameter, options));
        if (tensors == null || tensors.isEmpty()) {
            throw fault("posterior returned " + (tensors == null ? "null" : "no tensors") + " for parameter "
                    + parameter.name() + "; return at least one posterior tensor");
        }
        Set<String> roles = new HashSet<>();
        for (PosteriorTensor tensor : tensors) {
            if (tensor == null) {
                throw fault("posterior returned a null tensor for parameter " + parameter.name());
            }
            if (!ROLE.matcher(tensor.role()).matches() || !roles.add(tensor.role())) {
                throw fault("posterior returned the role '" + tensor.role() + "' for parameter " + parameter.name()
                        + ", which is " + (roles.contains(tensor.role()) ? "repeated" : "not kebab-case")
                        + "; roles must be unique kebab-case names");
            }
        }
        return List.copyOf(tensors);
    }

    @Override
    public boolean stochastic() {
        return call("stochastic", delegate::stochastic);
    }

    @Override
    public SDVariable trainingWeight(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable noise,
            ComponentOptions options) {
        return graphCall(
                "trainingWeight",
                sd,
                parameter,
                () -> delegate.trainingWeight(sd, parameter, posterior, noise, options));
    }

    @Override
    public SDVariable evaluationWeight(
            SameDiff sd, ParameterSpec parameter, Map<String, SDVariable> posterior, ComponentOptions options) {
        return graphCall(
                "evaluationWeight", sd, parameter, () -> delegate.evaluationWeight(sd, parameter, posterior, options));
    }

    @Override
    public SDVariable penalty(
            SameDiff sd,
            ParameterSpec parameter,
            Map<String, SDVariable> posterior,
            SDVariable lambda,
            ComponentOptions options) {
        return graphCall("penalty", sd, parameter, () -> delegate.penalty(sd, parameter, posterior, lambda, options));
    }

    private SDVariable graphCall(
            String method, SameDiff sd, ParameterSpec parameter, java.util.function.Supplier<SDVariable> body) {
        GraphChanges before = GraphChanges.of(sd);
        SDVariable result = call(method, body);
        String problem = GraphChanges.misplaced(result, sd);
        if (problem == null) {
            problem = GraphChanges.of(sd).forbiddenSince(before, false);
        }
        if (problem != null) {
            throw fault(method + " of parameter " + parameter.name() + " " + problem);
        }
        return result;
    }

    @Override
    public PosteriorView view(ParameterSpec parameter, Map<String, INDArray> posterior, ComponentOptions options) {
        PosteriorView view = call("view", () -> delegate.view(parameter, posterior, options));
        if (view == null) {
            throw fault("view returned null for parameter " + parameter.name());
        }
        if (!view.parameter().equals(parameter)) {
            throw fault("view of parameter " + parameter + " returned a view of " + view.parameter()
                    + "; return the view of the parameter it was given");
        }
        check(parameter, posterior, "mean", Optional.of(view.mean()));
        check(parameter, posterior, "sigma", view.sigma());
        return view;
    }

    private void check(
            ParameterSpec parameter, Map<String, INDArray> posterior, String what, Optional<INDArray> values) {
        Optional<String> bad = values.flatMap(TensorChecks::firstNonFinite);
        if (bad.isEmpty()) {
            return;
        }
        // Not finite out of non-finite input is the trained model's state, not the evidence's fault.
        for (Map.Entry<String, INDArray> tensor : posterior.entrySet()) {
            Optional<String> input =
                    tensor.getValue() == null ? Optional.empty() : TensorChecks.firstNonFinite(tensor.getValue());
            if (input.isPresent()) {
                throw new io.hyperprune.api.InputException(
                        "the model's posterior tensor " + parameter.name() + "/" + tensor.getKey()
                                + " is not finite (" + input.get()
                                + "): its training diverged; train it again, e.g. with a smaller"
                                + " --learning-rate");
            }
        }
        throw fault("view of parameter " + parameter.name() + " returned a " + what + " that is not finite: "
                + bad.get() + " although its posterior tensors are finite");
    }
}
