// The Python peers' virtual environment: bench/.venv (git-ignored), created with
// `python3 -m venv` and filled from bench/peers/requirements.txt. Never a dependency of randla.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runSync, tail } from './spawn.mjs';

const isWin = process.platform === 'win32';

export function venvPython(venvDir) {
  return isWin ? path.join(venvDir, 'Scripts', 'python.exe') : path.join(venvDir, 'bin', 'python');
}

/** The first working Python 3 among the candidates: { cmd, version } or null. */
function findPython3(candidates) {
  for (const cmd of candidates) {
    const r = runSync(cmd, ['-c', 'import sys; print(sys.version.split()[0]); sys.exit(0 if sys.version_info[0] == 3 else 1)']);
    if (r.ok) return { cmd, version: r.stdout.trim() };
  }
  return null;
}

const CHECK = [
  'import json, numpy, scipy, sklearn, fbpca',
  'print(json.dumps({"numpy": numpy.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__, "fbpca": "1.0"}))',
].join('; ');

function importCheck(py) {
  const r = runSync(py, ['-c', CHECK]);
  if (!r.ok) return null;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return null;
  }
}

/**
 * Make sure bench/.venv exists and holds the peers. Returns
 *   { python: <venv python path>, versions, pythonVersion }           on success, or
 *   { python: null, reason: '<one line>' }                            when the peers cannot run.
 * `log` receives progress lines. Nothing here throws.
 */
export function ensurePeers({ root, python, noInstall = false, log = () => {} }) {
  const venvDir = path.join(root, 'bench', '.venv');
  const req = path.join(root, 'bench', 'peers', 'requirements.txt');
  const stampFile = path.join(venvDir, '.randla-requirements.sha256');
  const reqHash = crypto.createHash('sha256').update(fs.readFileSync(req)).digest('hex');
  const py = venvPython(venvDir);

  if (fs.existsSync(py)) {
    const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
    if (stamp === reqHash) {
      const versions = importCheck(py);
      if (versions) return { python: py, versions, pythonVersion: pyVersion(py) };
    }
  } else {
    const host = findPython3(python ? [python] : isWin ? ['python', 'py'] : ['python3', 'python']);
    if (!host) {
      return {
        python: null,
        reason: python
          ? `Python peers skipped: ${python} is not a working Python 3`
          : 'Python peers skipped: no Python 3 found on PATH (install python3 to compare with scikit-learn and fbpca)',
      };
    }
    log(`Python peers: creating bench/.venv with ${host.cmd} ${host.version} (python3 -m venv) ...`);
    const r = runSync(host.cmd, ['-m', 'venv', venvDir]);
    if (!r.ok || !fs.existsSync(py)) {
      fs.rmSync(venvDir, { recursive: true, force: true }); // ours: remove the half-made venv
      const text = `${r.stdout}\n${r.stderr}`;
      const hint = /ensurepip|python3-venv|venv/i.test(text)
        ? `ensurepip is not available (Debian/Ubuntu: apt-get install python3-venv, or python${host.version.split('.').slice(0, 2).join('.')}-venv)`
        : tail(text, 1) || r.error?.message || `exit ${r.status}`;
      return { python: null, reason: `Python peers skipped: \`${host.cmd} -m venv bench/.venv\` failed: ${hint}` };
    }
  }

  if (noInstall) {
    const versions = importCheck(py);
    if (versions) return { python: py, versions, pythonVersion: pyVersion(py) };
    return { python: null, reason: 'Python peers skipped: bench/.venv lacks numpy/scikit-learn/fbpca and --no-install was given' };
  }
  log('Python peers: pip-installing numpy, scikit-learn, fbpca into bench/.venv (bench/peers/requirements.txt) ...');
  const pip = runSync(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '-r', req], {
    timeout: 15 * 60_000,
  });
  if (!pip.ok) {
    return {
      python: null,
      reason: `Python peers skipped: pip install -r bench/peers/requirements.txt failed (offline or no PyPI access?): ${tail(pip.stderr || pip.stdout, 1) || pip.error?.message}`,
    };
  }
  const versions = importCheck(py);
  if (!versions) {
    return { python: null, reason: 'Python peers skipped: installed, but `import numpy, scipy, sklearn, fbpca` fails in bench/.venv' };
  }
  fs.writeFileSync(stampFile, `${reqHash}\n`);
  return { python: py, versions, pythonVersion: pyVersion(py) };
}

function pyVersion(py) {
  const r = runSync(py, ['-c', 'import sys; print(sys.version.split()[0])']);
  return r.ok ? r.stdout.trim() : null;
}
