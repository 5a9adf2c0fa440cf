/**
 * The report of an experiment: {@code results.csv}'s schema, merging shards, tables, figures and the HTML and
 * Markdown report.
 *
 * <p>Depends on run.
 */
package io.hyperprune.runtime.report;
