/**
 * The result of `m.kv({...})`: total bytes as a Quantity, plus per-layer and per-token views
 * and a derivation in the article's form — 2 (K, V) × layers × width × tokens × batch × bytes.
 */
import { Quantity } from "../quantity.js";
import { add, mul, num, qty, type Term } from "../derive/term.js";
import type { Dtype } from "../hardware/precision.js";
import type { Architecture } from "./architecture.js";
import { kvBytes, kvBytesPerLayer, kvElementsPerToken, keptTokens, type KvOptions } from "./kv.js";

export interface KvRequest {
  readonly model: string;
  readonly batch: number;
  readonly seq: number;
  readonly dtype: Dtype;
  readonly window?: number;
  readonly sinks?: number;
}

/** The per-token width of one layer's cache, written the way readers check it. */
export function widthTerm(a: Architecture): Term[] {
  if (a.mla) return [num(kvElementsPerToken(a), `(latent ${a.mla.kvLoraRank} + rope key ${a.mla.qkRopeHeadDim})`)];
  if (a.headDim === a.vHeadDim) return [num(2, "(K, V)"), num(a.kvHeads * a.headDim, `(${a.kvHeads} kv heads × ${a.headDim})`)];
  return [num(kvElementsPerToken(a), `(${a.kvHeads} heads × (K ${a.headDim} + V ${a.vHeadDim}))`)];
}

export class KvCache extends Quantity<"bytes"> {
  readonly request: KvRequest;
  private readonly arch: Architecture;
  private readonly bpe: number;

  constructor(arch: Architecture, req: KvRequest, bytesPerElement: number) {
    const o: KvOptions = { batch: req.batch, seq: req.seq, bytesPerElement, ...(req.window !== undefined ? { window: req.window, sinks: req.sinks ?? 0 } : {}) };
    const total = kvBytes(arch, o);
    super(total, "bytes", () => ({
      title: `KV cache of ${req.model} (${arch.attention.toUpperCase()}, ${req.dtype})`,
      formula: arch.mla
        ? "L × (d_c + d_rope) × T × B × s"
        : "2 (K, V) × L × (n_kv × d_head) × T × B × s",
      term: kvTerm(arch, req, bytesPerElement),
      source: arch.mla ? "DeepSeek-V2 (arXiv:2405.04434) §2.1.2: MLA caches the latent c_KV and the RoPE key" : "each layer caches K and V of every kept token (Pope et al. 2022, arXiv:2211.05102, §2)",
      ...(arch.windows.some((w) => w !== null) ? { notes: ["sliding-window layers keep only their window"] } : {}),
    }));
    this.request = Object.freeze({ ...req });
    this.arch = arch;
    this.bpe = bytesPerElement;
    Object.freeze(this);
  }

  /** The same total, as a plain Quantity. */
  get bytes(): Quantity<"bytes"> {
    return new Quantity(this.value, "bytes", () => this.explain().spec);
  }

  /** Bytes one more token of one sequence adds while no layer's window is full. */
  get perToken(): Quantity<"bytes"> {
    const v = this.arch.layers * kvElementsPerToken(this.arch) * this.bpe;
    return new Quantity(v, "bytes", () => ({ title: "KV bytes per token", term: mul(...widthTerm(this.arch), num(this.arch.layers, "layers"), qty(this.bpe, "B")) }));
  }

  /** Bytes per layer (whole batch), in layer order. */
  get perLayer(): number[] {
    const r = this.request;
    return kvBytesPerLayer(this.arch, { batch: r.batch, seq: r.seq, bytesPerElement: this.bpe, ...(r.window !== undefined ? { window: r.window, sinks: r.sinks ?? 0 } : {}) });
  }
}

function kvTerm(a: Architecture, r: KvRequest, bpe: number): Term {
  // group layers by how many tokens they keep
  const groups = new Map<number, number>();
  for (let i = 0; i < a.layers; i++) {
    const k = keptTokens(a, i, r.seq, r.window, r.sinks ?? 0);
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  const terms = [...groups].map(([tokens, layers]) =>
    mul(...widthTerm(a).slice(0, 1), num(layers, "layers"), ...widthTerm(a).slice(1), num(tokens, "tokens"), num(r.batch, "batch"), qty(bpe, "B")),
  );
  return terms.length === 1 ? terms[0]! : add(...terms);
}
