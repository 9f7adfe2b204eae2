/**
 * The regime setup (regimes.ts) of an engine's or a training's prediction: what `.interval()`
 * on a result needs to pick its band.
 */
import type { InferenceEngine } from "../inference/engine.js";
import type { Training } from "../training/training.js";
import type { InferenceSetup, Phase, TrainingSetup } from "./regimes.js";

/** The setup of a prefill or decode step of `e` at `batch` sequences per replica. */
export function engineSetup(e: InferenceEngine, phase: Phase, batch: number): InferenceSetup {
  const g = e.gpu;
  return Object.freeze({ kind: "inference", phase, gpu: g.id, generation: g.spec.architecture, precision: g.precisionName, moe: e.model.arch.moe !== undefined, batch });
}

/** The setup of a training on its cluster. */
export function trainingRunSetup(t: Training): TrainingSetup {
  const cl = t.cluster!;
  return Object.freeze({ kind: "training", gpu: cl.gpu.id, generation: cl.gpu.spec.architecture, precision: t.config.precision, gpus: cl.size });
}
