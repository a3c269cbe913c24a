// Statistics, number formatting, markdown tables and atomic result files.
import fs from 'node:fs';
import path from 'node:path';

/** { median, min, max, mean, runs } of a list of times (ms). Median of an even count: mean of the middle two. */
export function summarize(samples) {
  if (!samples || samples.length === 0) return null;
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  return { median, min: s[0], max: s[n - 1], mean, runs: n };
}

/** Milliseconds with 3 significant digits (and no exponent below 1e6). */
export function fmtMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return ms.toFixed(0);
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toPrecision(3);
}

/** A small error or residual, e.g. 3.2e-4. */
export function fmtErr(x) {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return '0';
  return x.toExponential(2);
}

export function fmtRatio(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

export function fmtBytes(bps) {
  return `${(bps / 1e9).toFixed(2)} GB/s`;
}

/** Markdown table: header is an array of strings, rows arrays of cells. Pipes in cells are escaped. */
export function markdownTable(header, rows, align) {
  const esc = (c) => String(c ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const al = align ?? header.map(() => 'l');
  const sep = al.map((a) => (a === 'r' ? '---:' : a === 'c' ? ':---:' : '---'));
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `| ${sep.join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Plain-text table for the console (same cells as the markdown one). */
export function textTable(header, rows, align) {
  const al = align ?? header.map(() => 'l');
  const cells = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const width = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  const line = (r) => r.map((c, j) => (al[j] === 'r' ? c.padStart(width[j]) : c.padEnd(width[j]))).join('  ');
  return [line(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * Write `content` to `file` atomically: write `<file>.<pid>.tmp` in the same directory, fsync,
 * then rename over the target (rename is atomic within one filesystem).
 */
export function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
