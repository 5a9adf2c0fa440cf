package io.hyperprune.runtime.boundary;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;

/** What a plugin added to a graph that its SPI forbids: learned variables, placeholders, loss variables. */
record GraphChanges(long variables, long placeholders, List<String> losses) {

    static GraphChanges of(SameDiff sd) {
        long variables = 0;
        long placeholders = 0;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                variables++;
            } else if (v.getVariableType() == VariableType.PLACEHOLDER) {
                placeholders++;
            }
        }
        return new GraphChanges(variables, placeholders, List.copyOf(sd.getLossVariables()));
    }

    /** What was added since {@code before}, as "created 2 placeholders"; null if nothing forbidden. */
    String forbiddenSince(GraphChanges before, boolean variablesAllowed) {
        if (!variablesAllowed && variables != before.variables) {
            return "created " + (variables - before.variables)
                    + " learned variable(s) (sd.var); only the hypernetwork owns" + " learned tensors";
        }
        if (placeholders != before.placeholders) {
            return "created " + (placeholders - before.placeholders)
                    + " placeholder(s); the runtime owns the graph's inputs";
        }
        if (!losses.equals(before.losses)) {
            return "changed the loss variables to " + losses + "; the runtime sets the loss";
        }
        return null;
    }

    /** A plugin's graph result: not null and of this graph. */
    static String misplaced(SDVariable result, SameDiff sd) {
        if (result == null) {
            return "returned null";
        }
        if (result.getSameDiff() != sd) {
            return "returned variable '" + result.name() + "' of another SameDiff graph";
        }
        return null;
    }
}
