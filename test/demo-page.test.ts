// `npm run demo` end to end (docs/demo.md): it writes demo-out/index.html with every figure as
// SVG and PNG, and the page loads in headless Chromium (Debian's `chromium`) with every plot
// shown and no console error; a full-page screenshot is taken. Without Chromium the page test
// is skipped, except in CI (CI=true), which installs it and must run it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DEMO = join(process.cwd(), 'dist', 'demo.js');
const out = mkdtempSync(join(tmpdir(), 'randla-demo-'));
const FIGURES = ['flow-uniform', 'flow-quasi-uniform', 'svd-spectrum', 'svd-error-curve', 'dmd-eigenvalues', 'dmd-modes', 'koopman-spectrum'];

function chromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

let stdout = '';
beforeAll(() => {
  if (!existsSync(DEMO)) return;
  stdout = execFileSync(process.execPath, [DEMO, '--out', out], { encoding: 'utf8', timeout: 110_000 });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!existsSync(DEMO))('npm run demo', () => {
  it('prints the summary table and where the page is, and writes every figure as SVG and PNG', () => {
    for (const row of ['flow network', 'randomized SVD', 'DMD', 'Koopman jump', 'total time']) expect(stdout).toContain(row);
    expect(stdout).toContain(`open ${join(out, 'index.html')}`);
    for (const name of FIGURES) {
      const svg = readFileSync(join(out, `${name}.svg`), 'utf8');
      expect(svg, name).toMatch(/^<svg[^>]* width="(\d+)" height="(\d+)"/);
      const [, w, h] = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
      // PNGs are rendered at scale 2.
      expect(pngSize(readFileSync(join(out, `${name}.png`))), name).toEqual({ width: 2 * Number(w), height: 2 * Number(h) });
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.sections.map((s: { id: string }) => s.id)).toEqual(['flow-network', 'svd', 'dmd', 'koopman']);
  });

  const browser = chromium();
  const required = process.env.CI === 'true';
  it.skipIf(!browser && !required)('the page loads in headless Chromium: every plot shown, no console error; full-page screenshot', async () => {
    expect(browser, 'CI must have chromium (apt-get install -y chromium)').toBeDefined();
    const { default: puppeteer } = await import('puppeteer-core');
    const instance = await puppeteer.launch({
      executablePath: browser!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await instance.newPage();
      await page.setViewport({ width: 1000, height: 800 });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warn') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      const response = await page.goto(`file://${join(out, 'index.html')}`, { waitUntil: 'load' });
      expect(response?.ok() ?? true).toBe(true);
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll('figure[data-plot]')].map((f) => {
          const svg = f.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return { name: (f as HTMLElement).dataset.plot, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, line, rect, text').length ?? 0 };
        }),
      );
      expect(shown.map((s) => s.name)).toEqual(FIGURES);
      for (const s of shown) {
        expect(s.width, `${s.name} width`).toBeGreaterThan(200);
        expect(s.height, `${s.name} height`).toBeGreaterThan(150);
        expect(s.marks, `${s.name} marks`).toBeGreaterThan(20);
      }
      expect(problems).toEqual([]);
      const shot = join(out, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      const size = pngSize(readFileSync(shot));
      expect(size.width).toBe(1000);
      expect(size.height).toBeGreaterThan(3000);
    } finally {
      await instance.close();
    }
  });
});
