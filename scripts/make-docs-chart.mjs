// Writes docs/gpu-comparison.png: dense peak TFLOPS by precision for the article's GPUs and peers.
import { writeFileSync, mkdirSync } from "node:fs";
import { chart, renderPng } from "../dist/index.js";

mkdirSync(new URL("../docs/", import.meta.url), { recursive: true });
const spec = chart.gpuComparison(["H100", "H20", "A100", "A800", "H800", "L20"], { precisions: ["fp16", "fp8", "int8"] });
writeFileSync(new URL("../docs/gpu-comparison.png", import.meta.url), await renderPng(spec, { scale: 2 }));
console.log("wrote docs/gpu-comparison.png");
