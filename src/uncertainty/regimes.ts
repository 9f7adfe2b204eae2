/**
 * Regimes: which published measurements a prediction should borrow its error band from.
 *
 * A setup is described by the dimensions along which the kit's error is known to move — GPU
 * generation (the catalog's `architecture`: Ampere, Ada, Hopper, …), precision, dense or MoE,
 * phase (prefill vs decode) and batch band for inference; generation, precision and scale
 * (GPU count) for training. `regimeChain(setup)` lists the regime keys from the finest to the
 * coarsest; a band is taken from the first key with enough residuals (interval.ts):
 *
 *   inference   phase·generation·precision·dense|moe·batch band → phase·generation·precision
 *               → phase·generation → phase → all inference rows
 *   training    generation·precision·scale → generation·precision → generation → all training rows
 *
 * A generation with no measurement at all never falls through to the coarse keys: its band is
 * the widest of the kit (interval.ts), since nothing measured says how the model does there.
 */
export type Phase = "prefill" | "decode";

export interface InferenceSetup {
  readonly kind: "inference";
  readonly phase: Phase;
  /** Catalog GPU id (or a custom GPU's name). */
  readonly gpu: string;
  /** The catalog's architecture ("Hopper", "Ampere", …; "custom" for gpu.custom). */
  readonly generation: string;
  readonly precision: string;
  readonly moe: boolean;
  /** Sequences per step (per data-parallel replica). */
  readonly batch: number;
}

export interface TrainingSetup {
  readonly kind: "training";
  readonly gpu: string;
  readonly generation: string;
  readonly precision: string;
  /** GPUs in the run. */
  readonly gpus: number;
}

export type Setup = InferenceSetup | TrainingSetup;

/** Batch bands (sequences per step): latency-bound, moderate, throughput, very large. */
export const BATCH_BANDS: readonly { readonly max: number; readonly label: string }[] = [
  { max: 8, label: "batch 1–8" },
  { max: 128, label: "batch 9–128" },
  { max: 1024, label: "batch 129–1024" },
  { max: Infinity, label: "batch > 1024" },
];

/** Training scale bands (GPUs): one node to a few, a pod, a frontier run. */
export const SCALE_BANDS: readonly { readonly max: number; readonly label: string }[] = [
  { max: 64, label: "≤ 64 GPUs" },
  { max: 1024, label: "65–1024 GPUs" },
  { max: Infinity, label: "> 1024 GPUs" },
];

const band = (bands: typeof BATCH_BANDS, x: number) => bands.find((b) => x <= b.max)!.label;

/** The regime keys of `setup`, finest first, ending with the kind alone (all rows of that kind). */
export function regimeChain(s: Setup): readonly string[] {
  if (s.kind === "inference") {
    const top = `inference · ${s.phase}`;
    const gen = `${top} · ${s.generation}`;
    const prec = `${gen} · ${s.precision}`;
    return [`${prec} · ${s.moe ? "moe" : "dense"} · ${band(BATCH_BANDS, s.batch)}`, prec, gen, top, "inference"];
  }
  const gen = `training · ${s.generation}`;
  const prec = `${gen} · ${s.precision}`;
  return [`${prec} · ${band(SCALE_BANDS, s.gpus)}`, prec, gen, "training"];
}

/** The finest regime key of `setup` (what validate groups coverage by). */
export function regimeOf(s: Setup): string {
  return regimeChain(s)[0]!;
}

/** The key naming the setup's generation (inference keys keep the phase). */
export function generationKey(s: Setup): string {
  return s.kind === "inference" ? `inference · ${s.phase} · ${s.generation}` : `training · ${s.generation}`;
}
