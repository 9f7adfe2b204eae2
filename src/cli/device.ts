/**
 * What several verbs share: MODEL from the catalog or from --config path/config.json, and an
 * inference engine from --gpu/--gpus/--tp/--pp/--precision/--weights/--kv/--network.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { SuanliError, show } from "../errors.js";
import { gpu, type Gpu } from "../hardware/gpu.js";
import { cluster, type Cluster } from "../hardware/cluster.js";
import { model, type Model } from "../model/model.js";
import type { InferenceEngine } from "../inference/engine.js";
import { num, str, type Parsed } from "./args.js";
import { ioError } from "../util/files.js";

/** MODEL (catalog id) or --config FILE (a HuggingFace config.json), not both. */
export function loadModel(p: Parsed, verb: string, id: string | undefined = p.positionals[0]): Model {
  const file = str(p, "config");
  if (file === undefined) return model(id!);
  if (id !== undefined) throw new SuanliError("bad-argument", `${verb}: give MODEL or --config, not both (got ${show(id)} and --config ${show(file)})`, { value: id });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw ioError(e, file, "read");
  }
  return model.fromHFConfig(text, basename(file).replace(/(\.config)?\.json$/i, "") || "custom");
}

/** The GPU named by --gpu (or `fallback`), at --precision when given. */
export function gpuFrom(p: Parsed, verb: string, fallback?: string): Gpu {
  const name = str(p, "gpu") ?? fallback;
  if (name === undefined) throw new SuanliError("bad-argument", `${verb} needs --gpu GPU, e.g. --gpu H20 (suanli gpus lists them)`, { value: undefined });
  const g = gpu(name);
  const prec = str(p, "precision");
  return prec === undefined ? g : g.precision(prec);
}

/** A cluster of --gpus GPUs (default tp × pp) split --tp × --pp, with --network. */
export function clusterFrom(g: Gpu, p: Parsed, dflt: { gpus?: number; tp?: number } = {}): Cluster {
  const pp = num(p, "pp") ?? 1;
  // without --gpus: one replica of tp × pp GPUs, widened to --ep GPUs where the experts span more
  const count = num(p, "gpus") ?? dflt.gpus ?? Math.max((num(p, "tp") ?? dflt.tp ?? 1) * pp, num(p, "ep") ?? 1);
  const tp = num(p, "tp") ?? dflt.tp ?? Math.max(1, Math.floor(count / pp));
  let c = cluster(g, count).tp(tp).pp(pp);
  const net = str(p, "network");
  if (net !== undefined) c = c.network(net);
  return c;
}

/** The cluster with --ep experts sharded, where the verb has the flag and it is given. */
export function withEp(c: Cluster, p: Parsed): Cluster {
  const ep = num(p, "ep");
  return ep === undefined ? c : c.ep(ep);
}

/** The inference engine of MODEL on the cluster, with --weights / --kv storage overrides and --ideal where the verb has it. */
export function engineFrom(m: Model, c: Cluster, p: Parsed): InferenceEngine {
  let e = m.on(c);
  const weights = str(p, "weights");
  const kv = str(p, "kv");
  if (weights !== undefined || kv !== undefined) e = e.dtypes({ ...(weights !== undefined ? { weights } : {}), ...(kv !== undefined ? { kv } : {}) });
  return p.values.ideal === true ? e.ideal() : e;
}
