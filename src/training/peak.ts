/**
 * The memory peak of one pipeline rank over a training step, when the gradient buffer is not
 * held for the whole step. Activations and gradients peak at different moments: activations
 * when the warm-up forwards are done, gradients once every model chunk has run a backward. With
 * a persistent buffer (Megatron-Core's DistributedDataParallel allocates one contiguous fp32
 * main_grad buffer for the model at start-up, megatron/core/distributed/param_and_grad_buffer.py)
 * the peak is the sum of both maxima. With gradBuffer "step" — PyTorch FSDP with gradient
 * accumulation: a layer's unsharded gradient (in the reduce dtype, fp32 for Llama 3) is created
 * by its first backward of the step and released after the step's reduce-scatter; Llama 3 pre-
 * training shards optimizer states and gradients, accumulating over micro-batches in fp32
 * (Dubey et al. 2024, arXiv:2407.21783 §3.3.2, §3.3.4 "Numerical stability") — the peak is the
 * largest sum over the step, found by walking the rank's operations in order:
 *
 *   warm-up    W forwards (1F1B: min(m, p − r − 1); interleaved: min(m·v, 2(p − r − 1) + (v − 1)·N),
 *              Megatron-Core schedules.py, as activations.ts inFlight)
 *   steady     m·v − W pairs (forward, backward)
 *   cool-down  W backwards
 *
 * Forward k runs chunk ⌊(k mod N·v)/N⌋, backward k chunk v − 1 − ⌊(k mod N·v)/N⌋ (micro-batches
 * N at a time per chunk, N = min(microbatchGroup, m)). A forward adds one chunk's activations; a
 * backward frees them layer by layer while it writes the chunk's gradients, the first time, layer
 * by layer: the sum moves linearly from its state before to its state after, so both ends count.
 */
import type { TrainConfig } from "./options.js";

/** The rank's state at its memory peak. */
export interface StagePeak {
  /** Chunk-micro-batches of activations held (÷ v: micro-batches of the whole stage). */
  readonly chunks: number;
  /** Model chunks whose gradients are allocated (÷ v: share of the stage's gradients). */
  readonly gradChunks: number;
}

/**
 * The peak of rank `rank` under the schedule of `c` (1F1B or interleaved), for one chunk's
 * activations per micro-batch `chunkActivations` and one chunk's gradients `chunkGradients`
 * (bytes; only their ratio matters). See the header for the walk.
 */
export function stagePeak(
  c: Pick<TrainConfig, "pp" | "accumulation" | "interleave" | "microbatchGroup">,
  rank: number,
  chunkActivations: number,
  chunkGradients: number,
): StagePeak {
  const p = c.pp;
  const m = c.accumulation;
  const v = Math.max(1, c.interleave);
  const n = Math.min(c.microbatchGroup, m);
  const total = m * v;
  const warmup = v === 1 ? Math.min(m, p - rank - 1) : Math.min(total, 2 * (p - rank - 1) + (v - 1) * n);
  const chunkOf = (k: number) => (v === 1 ? 0 : Math.floor((k % (n * v)) / n));
  const has = new Array<boolean>(v).fill(false);
  let held = 0, grads = 0, f = 0, b = 0;
  let best: StagePeak = { chunks: 0, gradChunks: 0 };
  let bestBytes = -1;
  const note = () => {
    const bytes = held * chunkActivations + grads * chunkGradients;
    if (bytes > bestBytes) { bestBytes = bytes; best = { chunks: held, gradChunks: grads }; }
  };
  const forward = () => { held++; f++; note(); };
  const backward = () => {
    const chunk = v - 1 - chunkOf(b++);
    if (!has[chunk]) { has[chunk] = true; grads++; }
    held--;
    note();
  };
  for (let k = 0; k < warmup; k++) forward();
  while (f < total) {
    forward();
    backward();
    // Once every chunk holds its gradients the steady state repeats the same sums: the next
    // forward's is the last new one.
    if (grads === v) {
      if (f < total) forward();
      return Object.freeze(best);
    }
  }
  while (b < total) backward();
  return Object.freeze(best);
}
