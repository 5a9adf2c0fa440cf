/**
 * One training run and its directory: the resolved configuration and provenance, training with
 * checkpoints and resume, model files checked against their checksums, atomic writes, CSV and JSON.
 *
 * <p>Depends on the engine and wiring.
 */
package io.hyperprune.runtime.run;
