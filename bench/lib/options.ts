import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Shared run options of the benchmarks. `--quick` (or `BENCH_QUICK=1`) selects a short smoke
 * run for CI; every benchmark prints figures and never fails on a timing.
 */
export const isQuick: boolean = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');

/** Prints a section title. */
export function printHeading(title: string): void {
  console.log(`\n## ${title}${isQuick ? ' (quick)' : ''}\n`);
  console.log(`${loadAverage()}\n`);
}

/** The 1, 5 and 15 minute load averages: other work on the machine shows up in every figure. */
export function loadAverage(): string {
  const [one = '?', five = '?', fifteen = '?'] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return `load average ${one} ${five} ${fifteen} (${availableParallelism()} CPUs)`;
}

/** Prints rows as an aligned plain-text table (first row: the header). */
export function printTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const cells = rows.map((row) => row.map(String));
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0))) ?? [];
  cells.forEach((row, index) => {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
