// The Python peers' virtual environment: bench/.venv (git-ignored), created with
// `python3 -m venv` and filled from bench/peers/requirements.txt (numpy, scipy, scikit-learn,
// fbpca, threadpoolctl: needed for any peer) and, one package per pip call, from
// bench/peers/requirements-optional.txt (torch: its peer is skipped, with the reason, when it
// cannot be installed). Never a dependency of randla.
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

// The core peers must import; optional distributions are only looked up (importing torch takes seconds).
const CHECK = `
import json, importlib.metadata as md
import numpy, scipy, sklearn, fbpca, threadpoolctl
out = {"numpy": numpy.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
       "fbpca": md.version("fbpca"), "threadpoolctl": threadpoolctl.__version__}
for name in OPTIONAL:
    try:
        out[name] = md.version(name)
    except md.PackageNotFoundError:
        out[name] = None
print(json.dumps(out))
`;

function versionsOf(py, optionalNames) {
  const r = runSync(py, ['-c', `OPTIONAL = ${JSON.stringify(optionalNames)}\n${CHECK}`]);
  if (!r.ok) return null;
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    return null;
  }
}

/** Requirement lines of a requirements file (comments and blank lines dropped). */
function requirementLines(file) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** The distribution name of a requirement line ('torch>=2.4,<3' -> 'torch'). */
const distName = (req) => /^[A-Za-z0-9._-]+/.exec(req)[0].toLowerCase();

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

function readStamp(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function pipInstall(py, args) {
  return runSync(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...args], { timeout: 20 * 60_000 });
}

// Tried first for these distributions (with a short network timeout), then the default index:
// PyPI's Linux torch wheel is the CUDA build, about 3 GB with its nvidia-* dependencies, while
// the CPU index serves a CPU-only build (and mirrors its dependencies).
const PREFERRED_INDEX = { torch: 'https://download.pytorch.org/whl/cpu' };

/**
 * Make sure bench/.venv exists and holds the peers. Returns
 *   { python, versions, pythonVersion, optional: { [name]: { available, version?, reason? } } }
 *   or { python: null, reason: '<one line>' } when no peer can run. `log` receives progress
 * lines. An optional package that failed to install is remembered (not retried) until its
 * requirements file changes or `retryOptional` is set. Nothing here throws.
 */
export function ensurePeers({ root, python, noInstall = false, noOptional = false, only, retryOptional = false, log = () => {} }) {
  const venvDir = path.join(root, 'bench', '.venv');
  const req = path.join(root, 'bench', 'peers', 'requirements.txt');
  const optReq = path.join(root, 'bench', 'peers', 'requirements-optional.txt');
  const stampFile = path.join(venvDir, '.randla-requirements.json');
  const coreHash = sha256(fs.readFileSync(req, 'utf8'));
  // `only`: the optional peers this bench compares with (by distribution name); the others are not installed.
  const optionalLines = noOptional ? [] : requirementLines(optReq).filter((line) => !only || only.includes(distName(line)));
  const optionalNames = optionalLines.map(distName);
  const py = venvPython(venvDir);

  if (!fs.existsSync(py)) {
    const host = findPython3(python ? [python] : isWin ? ['python', 'py'] : ['python3', 'python']);
    if (!host) {
      return {
        python: null,
        reason: python
          ? `Python peers skipped: ${python} is not a working Python 3`
          : 'Python peers skipped: no Python 3 found on PATH (install python3 to compare with scikit-learn, fbpca and torch)',
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

  const stamp = readStamp(stampFile);
  let versions = versionsOf(py, optionalNames);
  if (!versions || stamp.core !== coreHash) {
    if (noInstall) {
      if (!versions) return { python: null, reason: 'Python peers skipped: bench/.venv lacks numpy/scipy/scikit-learn/fbpca/threadpoolctl and --no-install was given' };
    } else {
      log('Python peers: pip-installing numpy, scipy, scikit-learn, fbpca, threadpoolctl into bench/.venv (bench/peers/requirements.txt) ...');
      const pip = pipInstall(py, ['-r', req]);
      if (!pip.ok) {
        return {
          python: null,
          reason: `Python peers skipped: pip install -r bench/peers/requirements.txt failed (offline or no PyPI access?): ${tail(pip.stderr || pip.stdout, 1) || pip.error?.message}`,
        };
      }
      versions = versionsOf(py, optionalNames);
      if (!versions) {
        return { python: null, reason: 'Python peers skipped: installed, but `import numpy, scipy, sklearn, fbpca, threadpoolctl` fails in bench/.venv' };
      }
      stamp.core = coreHash;
    }
  }

  // optional peers, one pip call each, failures remembered per requirement line
  stamp.optional ??= {};
  const optional = {};
  for (const line of optionalLines) {
    const name = distName(line);
    if (versions[name]) {
      const prior = stamp.optional[line];
      optional[name] = { available: true, version: versions[name], requirement: line, ...(prior?.ok ? { source: prior.source, notes: prior.notes } : {}) };
      continue;
    }
    const prior = stamp.optional[line];
    if (noInstall || (prior && prior.ok === false && !retryOptional)) {
      const why = noInstall ? 'not installed in bench/.venv and --no-install was given' : `installing it failed before (${prior.reason}); --retry-optional-peers tries again`;
      optional[name] = { available: false, requirement: line, reason: why };
      continue;
    }
    let source = 'default index';
    let pip = null;
    const notes = [];
    if (PREFERRED_INDEX[name]) {
      log(`Python peers: pip-installing ${line} into bench/.venv from ${PREFERRED_INDEX[name]} ...`);
      pip = pipInstall(py, ['--index-url', PREFERRED_INDEX[name], '--timeout', '15', '--retries', '1', line]);
      if (pip.ok) source = PREFERRED_INDEX[name];
      else notes.push(`${PREFERRED_INDEX[name]} failed (${tail(pip.stderr || pip.stdout, 1).slice(0, 200) || pip.error?.message}), installed from the default index`);
    }
    if (!pip?.ok) {
      log(`Python peers: pip-installing ${line} into bench/.venv from the default index (bench/peers/requirements-optional.txt; may be a large download) ...`);
      pip = pipInstall(py, [line]);
    }
    versions = versionsOf(py, optionalNames) ?? versions;
    if (pip.ok && versions[name]) {
      optional[name] = { available: true, version: versions[name], requirement: line, source, notes };
      stamp.optional[line] = { ok: true, source, notes };
    } else {
      const reason = `pip install ${line} failed: ${tail(pip.stderr || pip.stdout, 1) || pip.error?.message || 'unknown error'}`;
      optional[name] = { available: false, requirement: line, reason };
      stamp.optional[line] = { ok: false, reason };
    }
  }
  for (const name of noOptional ? requirementLines(optReq).map(distName) : []) {
    optional[name] = { available: false, reason: 'optional peers not requested (--no-optional-peers)' };
  }
  try {
    fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  } catch {
    // a read-only venv still works; it is only re-checked next time
  }
  return { python: py, versions, pythonVersion: pyVersion(py), optional };
}

function pyVersion(py) {
  const r = runSync(py, ['-c', 'import sys; print(sys.version.split()[0])']);
  return r.ok ? r.stdout.trim() : null;
}
