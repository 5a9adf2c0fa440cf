/**
 * The report of an experiment: {@code results.csv}'s schema (also {@code surface.csv}'s), merging shards, the
 * overview in the paper's layout, Pareto fronts and the best lambda per deletion level, the method's claims checked
 * on the data, heatmaps, tables, and the HTML and Markdown report.
 *
 * <p>Depends on run.
 */
package io.hyperprune.runtime.report;
