/**
 * suanli (算力) — the public surface, grouped by layer.
 */
// units, values, errors
export { SuanliError, type ErrorCode } from "./errors.js";
export { math, parseQuantity, convert, format, readingOf, BASE_UNITS, type Kind, type FormatOptions } from "./units.js";
export { Quantity, quantity } from "./quantity.js";
export { Derivation, type DerivationSpec } from "./derive/derivation.js";
export { type Term } from "./derive/term.js";

// hardware
export { gpu, Gpu, type Link, type CustomGpuOptions } from "./hardware/gpu.js";
export { gpus } from "./hardware/gpus.js";
export { type GpuSpec, type LinkKind, type LinkSpec } from "./hardware/catalog.js";
export { DTYPES, COMPUTE_PRECISIONS, bytesOf, type Dtype, type Precision } from "./hardware/precision.js";

// model
export { model, Model, type KvCallOptions, type KvRecompute } from "./model/model.js";
export { models } from "./model/models.js";
export { KvCache } from "./model/kvCache.js";
export { type Architecture, type AttentionKind } from "./model/architecture.js";
export { parseHFConfig } from "./model/config.js";
export { countParams, type ParamBreakdown } from "./model/params.js";

// inference
export { tensorParallelBound, type TpBound, type TpBoundOptions } from "./inference/tpBound.js";
export { recomputeReadTime } from "./inference/recompute.js";
