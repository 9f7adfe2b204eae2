/**
 * `suanli train` speaks the training API's whole vocabulary: expert parallelism, the pipeline
 * schedule, the FP8 recipe, the gradient dtype — so DeepSeek-V3's pre-training as its report
 * describes it (arXiv:2412.19437 §3: 2048 H800, pp 16, ep 64, ZeRO-1, FP8, DualPipe) can be asked
 * from a shell, with the same answer as the API.
 */
import { describe, expect, it } from "vitest";
import { cliInProcess } from "./run.js";
import { cluster, gpu, model } from "../../src/index.js";
import { FP8_RECIPES, GRAD_BUFFERS, GRAD_DTYPES, RECOMPUTE, SCHEDULES } from "../../src/training/options.js";
import { TRAIN_FP8_RECIPES, TRAIN_GRAD_BUFFERS, TRAIN_GRAD_DTYPES, TRAIN_RECOMPUTE, TRAIN_SCHEDULES } from "../../src/cli/verbs.js";

describe("suanli train: the training vocabulary", () => {
  it("the CLI's keyword lists are the training options' own", () => {
    expect([...TRAIN_RECOMPUTE]).toEqual([...RECOMPUTE]);
    expect([...TRAIN_SCHEDULES]).toEqual([...SCHEDULES]);
    expect([...TRAIN_FP8_RECIPES]).toEqual([...FP8_RECIPES]);
    expect([...TRAIN_GRAD_DTYPES]).toEqual([...GRAD_DTYPES]);
    expect([...TRAIN_GRAD_BUFFERS]).toEqual([...GRAD_BUFFERS]);
  });

  it("DeepSeek-V3 pre-training from the shell fits 80 GB and gives the API's GPU-hours", async () => {
    const r = await cliInProcess([
      "train", "deepseek-v3", "--gpu", "H800", "--gpus", "2048", "--pp", "16", "--ep", "64", "--precision", "fp8", "--fp8-recipe", "deepseek-v3",
      "--schedule", "dualpipe", "--recompute", "deepseek-v3", "--context", "4096", "--global", "15360", "--tokens", "14.8e12", "--network", "400 Gb/s",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const total = Number(/total ([\d.]+) GiB of 80 GiB per GPU/.exec(r.stdout)![1]);
    expect(total).toBeLessThanOrEqual(80);
    const api = model("deepseek-v3")
      .train({ seq: 4096, microBatch: 1, globalBatch: 15360, precision: "fp8", fp8Recipe: "deepseek-v3", zero: 1, recompute: "deepseek-v3", schedule: "dualpipe" })
      .on(cluster(gpu("H800").fp8(), 2048).pp(16).ep(64).network("400 Gb/s"))
      .time({ tokens: 14.8e12 });
    const printed = Number(/([\d,]+) GPU-hours/.exec(r.stdout)![1]!.replace(/,/g, ""));
    expect(Math.abs(printed - api.gpuHours.value) / api.gpuHours.value).toBeLessThan(1e-6);
  });

  it("Llama 3.1 405B at Meta's layout: --grad-buffer step fits 80 GB without recomputation, the API's total; persistent does not", async () => {
    const args = ["train", "llama3.1-405b", "--gpu", "H100-SXM", "--gpus", "16384", "--tp", "8", "--pp", "16", "--context", "8192", "--global", "2048", "--recompute", "none", "--interleave", "2", "--microbatch-group", "16", "--network", "400 Gb/s"];
    const step = await cliInProcess([...args, "--grad-buffer", "step"]);
    expect(step.status, step.stderr).toBe(0);
    const api = model("llama3.1-405b").train({ seq: 8192, globalBatch: 2048, zero: 1, recompute: "none", interleave: 2, microbatchGroup: 16, gradBuffer: "step" })
      .on(cluster(gpu("H100-SXM").bf16(), 16384).tp(8).pp(16)).memory();
    expect(step.stdout).toContain(`total ${api.total.format()} of 80 GiB per GPU`);
    expect(step.stdout).not.toMatch(/OUT OF MEMORY/);
    const persistent = await cliInProcess(args);
    expect(persistent.stdout).toMatch(/OUT OF MEMORY/);
  });

  it("refuses an unknown schedule naming it and what is accepted", async () => {
    const r = await cliInProcess(["train", "llama2-7b", "--gpu", "H100", "--context", "4096", "--schedule", "gpipe"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/gpipe/);
    expect(r.stderr).toMatch(/1f1b, dualpipe/);
  });
});
