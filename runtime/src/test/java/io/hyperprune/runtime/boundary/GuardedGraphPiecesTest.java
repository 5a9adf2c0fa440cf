package io.hyperprune.runtime.boundary;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyperprune.api.ComponentOptions;
import io.hyperprune.api.Evidence;
import io.hyperprune.api.Hypernetwork;
import io.hyperprune.api.ParameterSpec;
import io.hyperprune.engine.graph.ChangedEvidence;
import io.hyperprune.engine.graph.ConstantHypernetwork;
import io.hyperprune.engine.graph.ModelGraph;
import io.hyperprune.engine.graph.ModelSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/** A guarded evidence may only add operations to the graph it is given, as its SPI says. */
class GuardedGraphPiecesTest {

    private static final ModelSpec MODEL = ModelSpec.parse("20-16-4");

    /** The variational evidence under another id, its penalty also creating a learned variable. */
    static final class Sneaky extends ChangedEvidence {
        @Override
        public SDVariable penalty(
                SameDiff sd,
                ParameterSpec parameter,
                Map<String, SDVariable> posterior,
                SDVariable lambda,
                ComponentOptions options) {
            sd.var(parameter.name() + "/extra", Nd4j.zeros(1));
            return real.penalty(sd, parameter, posterior, lambda, options);
        }
    }

    @Test
    void anEvidenceCreatingVariablesIsRefusedNamingIt() {
        Evidence sneaky = Boundary.guard(Evidence.class, new Sneaky());
        Hypernetwork constant = Boundary.guard(Hypernetwork.class, new ConstantHypernetwork());
        assertThatThrownBy(() -> ModelGraph.build(
                        MODEL,
                        sneaky,
                        ComponentOptions.none("changed"),
                        constant,
                        ComponentOptions.none("constant"),
                        1,
                        100,
                        1))
                .isInstanceOf(PluginFault.class)
                .hasMessageContaining(
                        "evidence 'changed' from built-in: penalty of parameter dense0/W created 1 learned variable(s)");
    }
}
