// Run one contender in a fresh process and collect the single JSON line it prints.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Spawn `cmd args`, wait for it, and parse the last stdout line that is a JSON object.
 * Resolves (never rejects) to { json, code, signal, stdout, stderr, timedOut, error }.
 * stderr is captured (and echoed live when `echoStderr`); a timeout kills only this child.
 */
export function runJson(cmd, args, { env, cwd, timeoutMs = 15 * 60_000, echoStderr = false } = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ json: null, code: null, signal: null, stdout, stderr, timedOut, error });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (echoStderr) process.stderr.write(d);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ json: null, code: null, signal: null, stdout, stderr, timedOut, error });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ json: lastJsonLine(stdout), code, signal, stdout, stderr, timedOut, error: null });
    });
  });
}

/** The last line of `text` that parses as a JSON object, or null. */
export function lastJsonLine(text) {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i].trim();
    if (!l.startsWith('{')) continue;
    try {
      return JSON.parse(l);
    } catch {
      // not JSON; keep looking
    }
  }
  return null;
}

/** spawnSync wrapper returning { ok, stdout, stderr, status, error }. */
export function runSync(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  return {
    ok: !r.error && r.status === 0,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    status: r.status,
    error: r.error ?? null,
  };
}

/** The first of `paths` that is an executable file, or null. */
export function firstExecutable(paths) {
  for (const p of paths) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // next
    }
  }
  return null;
}

/** Last `n` lines of a text, for error reports. */
export function tail(text, n = 8) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
