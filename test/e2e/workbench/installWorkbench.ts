// Installs the browser workbench the end-to-end tests drive: Node 24 and code-server, both from the
// npm registry, into test/e2e/.workbench/ (ignored by git). Idempotent: a finished install leaves a
// marker naming its versions, and a later call with the same versions returns at once.
//
//   node --import tsx test/e2e/workbench/installWorkbench.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const WORKBENCH_DIR = resolve(__dirname, '..', '.workbench');

const INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface Workbench {
  /** The Node 24 binary code-server runs on. */
  node: string;
  /** code-server's entry script, run with `node`. */
  codeServerEntry: string;
  /** Seconds the install took; 0 when it was already there. */
  installSeconds: number;
}

interface Marker {
  node: string;
  codeServer: string;
}

const nodeDir = join(WORKBENCH_DIR, 'node');
const codeServerDir = join(WORKBENCH_DIR, 'code-server');
const markerPath = join(WORKBENCH_DIR, 'installed.json');
// The `node` package puts the platform build (binary, headers, common.gypi) in its own dependency.
const nodeRoot = join(nodeDir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
const nodeBinary = join(nodeRoot, 'bin', 'node');
const codeServerPackage = join(codeServerDir, 'node_modules', 'code-server');
const codeServerEntry = join(codeServerPackage, 'out', 'node', 'entry.js');

function log(message: string): void {
  process.stderr.write(`[e2e] ${message}\n`);
}

function readMarker(): Marker | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(markerPath, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'node' in parsed && 'codeServer' in parsed) {
      const { node, codeServer } = parsed as Record<string, unknown>;
      if (typeof node === 'string' && typeof codeServer === 'string') return { node, codeServer };
    }
  } catch {
    // No marker or a damaged one: install again.
  }
  return undefined;
}

function installedVersion(packageJson: string): string | undefined {
  try {
    const parsed = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

function isInstalled(): boolean {
  const marker = readMarker();
  return (
    marker?.node === NODE_VERSION &&
    marker.codeServer === CODE_SERVER_VERSION &&
    existsSync(nodeBinary) &&
    existsSync(codeServerEntry) &&
    installedVersion(join(codeServerPackage, 'package.json')) === CODE_SERVER_VERSION
  );
}

/** Runs a command, keeping the tail of its output for the error message. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes.`));
    }, INSTALL_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what} could not start ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}):\n${tail.trim()}`));
    });
  });
}

function freshPackageDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, description: 'Cosmos Critic e2e workbench' }, null, 2)}\n`);
}

const npmFlags = ['--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'];

async function install(): Promise<void> {
  mkdirSync(WORKBENCH_DIR, { recursive: true });
  rmSync(markerPath, { force: true });

  let started = Date.now();
  log(`installing Node ${NODE_VERSION} from the npm registry into ${nodeDir} …`);
  freshPackageDir(nodeDir);
  await run('npm', ['install', `node@${NODE_VERSION}`, ...npmFlags], nodeDir, process.env, `npm install node@${NODE_VERSION}`);
  if (!existsSync(nodeBinary)) throw new Error(`npm installed node@${NODE_VERSION} but ${nodeBinary} is missing.`);
  log(`Node ${NODE_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} (about 70 s, 620 MB) into ${codeServerDir} …`);
  freshPackageDir(codeServerDir);
  // Under Node 24 (first on PATH, so npm and its install scripts run on it) with its headers for
  // the native modules that build from source (kerberos needs libkrb5-dev).
  // Without the npm_* variables an enclosing `npm test` exports: code-server's install script reads the node
  // version from npm_config_user_agent, which would still name the outer npm's Node 20.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE'));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PATH: `${join(nodeRoot, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeRoot,
  };
  await run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, ...npmFlags], codeServerDir, env, `npm install code-server@${CODE_SERVER_VERSION}`);
  if (!existsSync(codeServerEntry)) throw new Error(`npm installed code-server but ${codeServerEntry} is missing.`);
  log(`code-server ${CODE_SERVER_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const marker: Marker = { node: NODE_VERSION, codeServer: CODE_SERVER_VERSION };
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
}

const lockDir = join(WORKBENCH_DIR, '.install-lock');
const LOCK_STALE_MS = INSTALL_TIMEOUT_MS * 2 + 60_000;

/** One install at a time: a second test run waits for the first one's install instead of racing it. */
async function withInstallLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(WORKBENCH_DIR, { recursive: true });
  const waitUntil = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // Released meanwhile: take it.
      }
      if (age > LOCK_STALE_MS || Date.now() > waitUntil) {
        log(`removing a stale install lock (${Math.round(age / 1000)} s old): ${lockDir}`);
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (isInstalled()) return fn();
      log('another test run is installing the workbench; waiting for it …');
      await new Promise((done) => setTimeout(done, 5_000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Makes sure Node 24 and code-server are installed; returns where they are. */
export async function ensureWorkbench(): Promise<Workbench> {
  if (isInstalled()) {
    log(`workbench: code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} already installed in ${WORKBENCH_DIR}`);
    return { node: nodeBinary, codeServerEntry, installSeconds: 0 };
  }
  const started = Date.now();
  try {
    await withInstallLock(async () => {
      if (!isInstalled()) await install();
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not install the e2e workbench (Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} from the npm registry) ` +
        `into ${WORKBENCH_DIR}. It needs the npm registry and the Debian packages libkrb5-dev, python3, make and g++. ` +
        `Cause: ${reason}`,
    );
  }
  const installSeconds = (Date.now() - started) / 1000;
  log(`workbench installed in ${installSeconds.toFixed(1)} s`);
  return { node: nodeBinary, codeServerEntry, installSeconds };
}

if (require.main === module) {
  ensureWorkbench().then(
    () => undefined,
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
