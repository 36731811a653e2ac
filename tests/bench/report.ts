import { writeFile } from 'node:fs/promises';

export type BenchResult = {
  name: string;
  value: number;
  unit: string;
  /** The target the issue sets, when there is one. */
  target?: { max: number };
  detail?: string;
};

const verdict = (r: BenchResult) => (r.target ? (r.value <= r.target.max ? 'ok' : 'OVER') : '');

/** Prints the results as a table and writes them to bench-results.json. */
export async function report(results: BenchResult[], file = 'bench-results.json'): Promise<void> {
  // NaN: a benchmark that could not run here (its detail says why), not a figure.
  const shown = (r: BenchResult) => (Number.isNaN(r.value) ? 'not measured' : `${round(r.value)} ${r.unit}`);
  const rows = results.map((r) => [r.name, shown(r), r.target ? `<= ${r.target.max} ${r.unit}` : '', verdict(r), r.detail ?? '']);
  const header = ['benchmark', 'value', 'target', '', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  const json = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    results: results.map((r) => ({ ...r, ok: r.target ? r.value <= r.target.max : null })),
  };
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

export function round(value: number): number {
  if (value >= 100) return Math.round(value);
  // A layout shift score is a fraction: 0.004 must not print as 0.
  return value >= 1 ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
