import { describe, it, expect, beforeEach } from "vitest";
import { cluster, gpu, gpus, models } from "../../src/index.js";
import { resetWarnings, warnings } from "../../src/warnings.js";
import { errorOf } from "../helpers.js";

describe("link domains: NVLink where the domain reaches, PCIe inside the node, network beyond", () => {
  beforeEach(() => resetWarnings({ silent: true }));

  it("gpu(name).domain: 8 on HGX, 72 on GB200 NVL72, 2 for bridged pairs, undefined on PCIe-only parts", () => {
    expect([gpu("H100").domain, gpu("GB200").domain, gpu("H100 NVL").domain, gpu("L40S").domain]).toEqual([8, 72, 2, undefined]);
    expect(gpu("H100").link.domain).toBe(8);
  });
  it("GB200: nodes default to the 72-GPU domain, so tp 72 stays on NVLink", () => {
    const c = cluster(gpu("GB200"), 144).tp(72);
    expect(c.gpusPerNode).toBe(72);
    expect(c.tpLink().kind).toBe("nvlink");
    expect(errorOf(() => c.linkFor(2, 72)).message).toContain("spans nodes of 72");
  });
  it("H100-SXM: tp 8 on NVLink, tp 16 crosses nodes (refused without a network)", () => {
    expect(cluster(gpu("H100"), 8).tp(8).tpLink().kind).toBe("nvlink");
    expect(errorOf(() => cluster(gpu("H100"), 16).tp(16).tpLink()).message).toContain("spans nodes of 8");
    expect(cluster(gpu("H100"), 16).tp(16).network("400 Gb/s").tpLink().kind).toBe("network");
  });
  it("H100 NVL: NVLink joins pairs; tp 4 and 8 run over PCIe Gen5, with a warning", () => {
    const two = cluster(gpu("H100 NVL"), 8).tp(2).tpLink();
    expect([two.kind, two.perDirection]).toEqual(["nvlink", 300e9]);
    const eight = cluster(gpu("H100 NVL"), 8).tp(8).tpLink();
    expect([eight.kind, eight.perDirection]).toEqual(["pcie", 64e9]);
    expect(warnings().join("\n")).toContain("spans H100-NVL's nvlink domain of 2 GPUs: its all-reduces run over PCIe");
  });
  it("RTX 3090 pairs share a bridge; the A10 has only PCIe Gen4 x16", () => {
    expect(cluster(gpu("RTX 3090"), 4).tp(4).tpLink().kind).toBe("pcie");
    expect(gpu("A10").link).toMatchObject({ kind: "pcie", generation: 4, lanes: 16 });
    expect(cluster(gpu("A10"), 4).tp(4).tpLink().perDirection).toBe(32e9);
  });
  it("Gaudi: RoCE scale-up inside the board, its own scale-out ports across boards (no .network needed)", () => {
    const c = cluster(gpu("Gaudi3"), 16).tp(8);
    expect(c.tpLink().kind).toBe("roce");
    expect(c.linkFor(2, 8)).toMatchObject({ kind: "network", perDirection: 75e9 });
  });
  it("gpu.custom({ nvlinkDomain }): a 16-GPU domain makes 16-GPU nodes; a bad domain is refused", () => {
    const x = gpu.custom({ name: "X16", memory: "192 GiB", bandwidth: "8 TB/s", peak: { fp8: "4500 TFLOPS" }, nvlink: "1800 GB/s", pcie: "128 GB/s", nvlinkDomain: 16 });
    expect(x.domain).toBe(16);
    expect(cluster(x, 16).tp(16).tpLink().kind).toBe("nvlink");
    expect(errorOf(() => gpu.custom({ name: "Y", memory: 1, bandwidth: 1, peak: { fp16: 1 }, nvlink: 1, nvlinkDomain: 0 })).message).toContain("nvlinkDomain");
  });
  it("perNode() caps the domain: an H100 board split in two talks over PCIe between halves", () => {
    const c = cluster(gpu("H100"), 8).perNode(4);
    expect(c.domain).toBe(4);
    expect(errorOf(() => c.tp(8).tpLink()).message).toContain("spans nodes of 4");
  });
});

describe("gpus({ filter, vendor }) and models({ filter, family })", () => {
  it("filters GPUs by words in their names, case- and punctuation-insensitively", () => {
    expect(gpus({ filter: "h100" }).array("id")).toEqual(["H100-SXM", "H100-PCIe", "H100-NVL"]);
    expect(gpus({ filter: "mi3" }).array("id")).toEqual(["MI300X", "MI325X"]);
    expect(gpus({ vendor: "intel" }).array("id")).toEqual(["Gaudi2", "Gaudi3"]);
    expect(gpus().numRows()).toBeGreaterThanOrEqual(30);
  });
  it("the table carries link kind, domain, PCIe generation and the ridge points", () => {
    const row = gpus({ filter: "gb200" }).objects()[0] as Record<string, unknown>;
    expect(row).toMatchObject({ link: "nvlink", link_domain: 72, pcie_gen: 6 });
    expect(row.ridge_fp8_FLOP_B).toBeCloseTo(5000 / 8, 6);
  });
  it("models({ family: \"qwen\" }) lists Qwen2, 2.5 and 3; filter words match kinds too", () => {
    const q = models({ family: "qwen" }).array("family") as string[];
    expect(new Set(q)).toEqual(new Set(["qwen2", "qwen3"]));
    expect(models({ filter: "mla" }).array("id")).toContain("kimi-k2");
    const oss = models({ filter: "gpt-oss" }).objects() as { experts: number; checkpoint_GB: number; params_B: number }[];
    expect(oss.map((r) => r.experts)).toEqual([128, 32]);
    expect(oss[0]!.checkpoint_GB).toBeLessThan(oss[0]!.params_B * 0.6); // MXFP4 experts: ~65 GB for 117B parameters
  });
  it("refuses a search that finds nothing, with suggestions", () => {
    const e = errorOf(() => gpus({ filter: "H2O" }));
    expect(e.code).toBe("unknown-gpu");
    expect(e.message).toMatch(/^no GPU matches "H2O" \(did you mean /);
    expect(errorOf(() => models({ family: "mistrall" })).message).toMatch(/^no model family matches "mistrall" \(did you mean .*mistral/);
    expect(errorOf(() => gpus({ filter: 3 as unknown as string })).message).toBe("filter must be a string, got 3");
  });
});
