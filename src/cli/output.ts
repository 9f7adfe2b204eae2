/** Standard output for the verbs: whole texts, and a byte sink that waits for the pipe to drain. */
import type { ByteSink } from "../analysis/tablewriter.js";

/** Print text and a newline. */
export function print(s: string): void {
  process.stdout.write(s + "\n");
}

/** Stdout as a ByteSink: each write waits for "drain" when the pipe is full (constant memory). */
export const stdoutSink: ByteSink = {
  write(d) {
    if (process.stdout.write(d)) return;
    return new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()));
  },
};
