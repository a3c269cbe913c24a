// Every algorithm test runs on every backend; one that is not available is reported as skipped.
import { backends } from '../../src/index.js';

export interface BackendCase {
  name: 'native' | 'reference';
  available: boolean;
  reason: string;
}

export const BACKENDS: BackendCase[] = (['native', 'reference'] as const).map((name) => {
  const info = backends().find((b) => b.name === name);
  return { name, available: !!info?.available, reason: info?.reason ?? 'unknown backend' };
});

for (const b of BACKENDS) {
  if (!b.available) console.warn(`[randla tests] backend '${b.name}' skipped: ${b.reason}`);
}
