/**
 * The one progress bar of the kit, as text: `label [#####     ] 50% 500/1,000`. The notebook
 * display, the CLI's sweep and the simulator's stderr bar all draw it.
 */
export function progressText(label: string, done: number, total: number, width = 30): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `${label ? `${label} ` : ""}[${"#".repeat(n)}${" ".repeat(width - n)}] ${Math.floor(f * 100)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")}`;
}
