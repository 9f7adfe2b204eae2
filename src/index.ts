/**
 * suanli (算力) — the public surface, grouped by layer.
 */
// units, values, errors
export { SuanliError, type ErrorCode } from "./errors.js";
export { warnings, resetWarnings } from "./warnings.js";
export { math, parseQuantity, convert, format, readingOf, BASE_UNITS, type Kind, type FormatOptions } from "./units.js";
export { Quantity, quantity } from "./quantity.js";
export { Derivation, type DerivationSpec } from "./derive/derivation.js";
export { type Term } from "./derive/term.js";

// hardware
export { gpu, Gpu, type Link, type CustomGpuOptions } from "./hardware/gpu.js";
export { gpus } from "./hardware/gpus.js";
export { gpuSpecs, type GpusOptions } from "./hardware/gpus.js";
export { type GpuName, type ModelName } from "./data/names.js";
export { type GpuSpec, type LinkKind, type LinkSpec } from "./hardware/catalog.js";
export { DTYPES, COMPUTE_PRECISIONS, bytesOf, type Dtype, type Precision } from "./hardware/precision.js";
// hardware: clusters and collectives
export { cluster, Cluster, asCluster, DEFAULT_LATENCY, type ClusterLayout, type ClusterState, type LinkPath } from "./hardware/cluster.js";
export { collectiveTime, allReduceTime, allGatherTime, reduceScatterTime, p2pTime, wireBytes, type CollectiveKind } from "./hardware/collectives.js";
export { allToAllTime, ALL_TO_ALL_ALGORITHMS, type AllToAllAlgorithm } from "./hardware/collectives.js";

// model
export { model, Model, type KvCallOptions, type KvRecompute } from "./model/model.js";
export { models } from "./model/models.js";
export { modelEntries, type ModelsOptions } from "./model/models.js";
export { KvCache } from "./model/kvCache.js";
export { type Architecture, type AttentionKind } from "./model/architecture.js";
export { parseHFConfig } from "./model/config.js";
export { countParams, type ParamBreakdown } from "./model/params.js";
export { checkpointBytes } from "./model/params.js";
export { type MoeSpec, type SparseAttention, type CheckpointQuantization } from "./model/architecture.js";

// inference
export { tensorParallelBound, type TpBound, type TpBoundOptions } from "./inference/tpBound.js";
export { recomputeReadTime } from "./inference/recompute.js";
// inference: roofline engine
export { inference, InferenceEngine, type EngineState, type BreakdownOptions } from "./inference/engine.js";
export { DEFAULT_EFFICIENCY, EFFICIENCY_SOURCES, type Efficiency } from "./inference/efficiency.js";
export { defaultDtypes, weightBytesPerParam, type Dtypes, type DtypeOptions } from "./inference/dtypes.js";
export { shard, checkTp, expertsTouched, type Shard, type LayerGroup } from "./inference/shard.js";
export { forEachOp, type Step, type OpClass, type OpSink } from "./inference/ops.js";
export { stepTime, stepRows, boundOf, type Bound, type OpRow, type Rates, type StepTime } from "./inference/roofline.js";
export { type DecodeResult, type PrefillResult, type RequestResult, type MemoryResult } from "./inference/results.js";
export { measurements, predict, absError, median, type Measurement, type MeasurementMetric } from "./inference/measurements.js";
export { calibrate, errorOf, type Calibration, type ErrorSummary } from "./inference/calibrate.js";
// inference: kernel model and fixed overhead
export { DEFAULT_FIT, CALIBRATION_KNOBS, type Fit, type CalibrationKnob } from "./inference/calibrate.js";
export { looCalibrate, predictFit, type HeldOut, type FitKernels, type CalibrationObjective } from "./inference/calibrate.js";
export { computeFactor, COMPUTE_FACTORS } from "./inference/efficiency.js";
export { CDNA3_MAF_SOURCE } from "./inference/efficiency.js";
export { gemmLaunches } from "./inference/launches.js";
export { ONE_SHOT_LATENCY } from "./hardware/collectives.js";
export { DEFAULT_KERNELS, IDEAL_KERNELS, KV_READS, MOE_KERNELS, LM_HEADS, withKernels, opTime, type Kernels, type KvReads, type MoeKernels, type LmHead } from "./inference/kernels.js";
export { TWO_BATCH, twoBatchTime, type HalfTime } from "./inference/twoBatch.js";
export { DEFAULT_OVERHEAD, NO_OVERHEAD, OVERHEAD_SOURCES, withOverhead, overheadTime, type Overhead, type OverheadOptions } from "./inference/overhead.js";
export { type ModelOptions } from "./inference/measurements.js";
export { SERVING_ENGINES, REFERENCE_SERVING_ENGINE, layerKernelRatio, type ServingEngineProfile } from "./inference/servingEngines.js";
export { DENSE_LAYER_KERNELS, attentionKernels, ffnKernels, layerKernels, kernelLayers } from "./inference/layerKernels.js";
export { GEMM_LIBRARIES, gemmLibraryFactor, checkGemmLibrary, type GemmLibrary, type GemmLibraryChoice } from "./inference/gemmLibraries.js";

// training
export { train, Training, type MaxMicroBatch } from "./training/training.js";
export { TrainingMemory, MEMORY_TERMS, memoryTerms, type MemoryTerm } from "./training/memory.js";
export { TrainingStep, TrainingRun } from "./training/step.js";
export { stepTimes, trainingPeaks, trainingEfficiency, type StepTimes } from "./training/time.js";
export { gemmEfficiency, gemmEfficiencies, type GemmEfficiencyEntry } from "./training/efficiency.js";
export { trainFlops, keysPerQuery, type TrainFlops } from "./training/flops.js";
export { stateBytes, zeroDivisors, paramsOnGpu, type StateBytes } from "./training/states.js";
export { gpuParams, type GpuParams } from "./training/states.js";
export { expertAllToAllTime } from "./hardware/alltoall.js";
export { SCHEDULES, type Schedule } from "./training/options.js";
export { layerActivationBytes, layerTerms, inFlight, type LayerActivations } from "./training/activations.js";
export { GRAD_BUFFERS, type GradBuffer } from "./training/options.js";
export { stagePeak, type StagePeak } from "./training/peak.js";
export {
  readTrainOptions, TRAIN_PRECISIONS, OPTIMIZERS, RECOMPUTE, FP8_RECIPES, GRAD_DTYPES, defaultGradDtype,
  type GradDtype, type TrainOptions, type TrainConfig, type TrainPrecision, type Optimizer, type Recompute, type Fp8Recipe, type ZeroStage,
} from "./training/options.js";
// training validation
export {
  trainingMeasurements, trainingModel, predictTraining, trainingErrorOf, calibrateTraining, leaveOneSourceOut, trainingRegime, TRAINING_METRICS,
  type LeaveOneSourceOutRow, type TrainingMeasurement, type TrainingMetric, type TrainingPrediction, type TrainingCalibration,
} from "./training/calibrate.js";

// article reproduction
export { reproduce, verdictSummary, type ReproductionRow } from "./article/reproduce.js";
export { articleClaims, VERDICTS, type Claim, type Verdict } from "./article/claims.js";

// charts (vega-lite specs; display them with `show` from "suanli/notebook")
export { chart } from "./charts/index.js";
export { bar, gpuComparison, type BarOptions, type GpuComparisonOptions } from "./charts/bar.js";
export { renderSvg, renderPng, type PngOptions } from "./charts/render.js";
export { type ChartSpec, type ChartData, type ChartOptions, type Row } from "./charts/spec.js";

// analysis (sweeps, column units)
export { columnUnit, columnName, columnTitle, convertColumn, unitFactor } from "./analysis/columns.js";
export { sweep, DEFAULT_COLUMN_UNITS, type SweepOptions, type SweepValue } from "./analysis/sweep.js";
/** The table type sweeps, breakdowns and catalogs return (arquero's ColumnTable), for annotating a `const`. */
export type { ColumnTable as Table } from "arquero";
export { zip, DEFAULT_MAX_ROWS, type Grid, type GridRow, type GridValue, type ZipGrid } from "./analysis/grid.js";
export { estimators, type Estimators, type EstimatorOptions, type DecodeRow } from "./analysis/estimators.js";
export { compile, type CompiledEngine } from "./inference/compiled.js";
export { line, type LineOptions } from "./charts/line.js";
export { roofline, type RooflineOptions, type RooflineOp } from "./charts/roofline.js";
export { memoryBreakdown, type MemoryBreakdownOptions } from "./charts/memory.js";
export { heatmap, type HeatmapOptions } from "./charts/heatmap.js";
export { frontier, paretoFrontier, type FrontierOptions } from "./charts/frontier.js";
export { toCsv, toJson, toArrow, exportTable, writeTable, type JsonExportOptions } from "./analysis/export.js";
export { openTableWriter, formatOf, type TableWriter, type TableFormat, type ColumnDef, type Chunk, type ByteSink } from "./analysis/tablewriter.js";

// report (Markdown + self-contained HTML)
export { report, Report, type TableBlockOptions, type WriteOptions, type Written } from "./report/report.js";
export { type Block } from "./report/blocks.js";

// long context
export { mixedStep, ratesWithAttention, decodePart, type MixedStep } from "./longcontext/mixed.js";
export { lockstepStep, lockstepRanks, type LockstepStep } from "./longcontext/lockstep.js";
export { streaming, streamingSweep, type StreamingOptions, type StreamingResult } from "./longcontext/streaming.js";
export { splitKv, splitKvSweep, occupancy, chooseSplits, type SplitKvOptions, type SplitKvResult } from "./longcontext/splitkv.js";
export { workload, rng, sample, checkTrace, type Request, type LengthDist, type WorkloadOptions } from "./longcontext/workload.js";
export { simulate, compareBatching, type Policy, type SimulateOptions, type SimulationResult, type RequestRecord } from "./longcontext/simulate.js";
export { summarize, quantile, progressBar, type Summary, type Progress } from "./longcontext/stats.js";
export { chunkedPrefill, bestChunk, chunkedSweep, defaultChunks, type ChunkedOptions, type ChunkedResult } from "./longcontext/chunked.js";
export { prefixCache, suffixPrefillFlops, type PrefixOptions, type PrefixResult } from "./longcontext/prefix.js";
export { fp8Compare, fp8Engine, fmhaSpeedup, FP8_CONFIGS, type Fp8Config, type Fp8Row } from "./longcontext/fp8.js";

// uncertainty: error bands from held-out calibration residuals, sensitivity to assumptions
export { uncertainty } from "./uncertainty/index.js";
export { withIntervals, columnOrientation, type WithIntervalsOptions } from "./uncertainty/sweep.js";
export { withBand, intervalOf, bandFor, MIN_ROWS, MIN_SOURCES, DEFAULT_LEVEL, type Interval, type Band, type Orientation } from "./uncertainty/interval.js";
export { ENGINE_ASSUMPTIONS, TRAINING_ASSUMPTIONS, sensitivityTable, type Assumption, type Ranges } from "./uncertainty/sensitivity.js";
export { type Setup, type InferenceSetup, type TrainingSetup, type Phase } from "./uncertainty/regimes.js";
export { type Residual } from "./uncertainty/residuals.js";
export { type Prediction, type SetupRow } from "./uncertainty/predict.js";
export { tornado, type TornadoOptions } from "./charts/tornado.js";
// serving: speculative decoding, disaggregation, capacity under SLOs, plan search
export { speculative, Speculative, expectedTokens, acceptanceFromLength, type Drafter, type SpeculativeOptions, type SpeculativePoint } from "./serving/speculative.js";
export { disaggregated, Disaggregated, type DisaggregatedOptions, type DisaggregatedRequest, type DisaggregatedThroughput } from "./serving/disaggregated.js";
export { prefillDecodeRatio, type RatioOptions, type RatioRow } from "./serving/ratio.js";
export { readSlo, MLPERF_LLAMA2_70B_SLO, type Slo, type SloOptions } from "./serving/slo.js";
export { capacity, offline, unitRateRequests, type CapacityOptions, type CapacityResult, type CapacityWorkload } from "./serving/capacity.js";
export { concurrency, concurrencySweep, type ConcurrencyOptions, type ConcurrencyResult, type ConcurrencyRow } from "./serving/concurrency.js";
export { parseTrace, loadTrace, type TraceFormat } from "./serving/trace.js";
export { mlperfLlama2Workload, mlperfLlama2Server, MLPERF_LLAMA2_70B_MEAN_OUTPUT, MLPERF_LLAMA2_70B_MEAN_INPUT } from "./serving/mlperf.js";
export { plan, type PlanOptions, type PlanRow, type PlanResult } from "./serving/plan.js";
