// A real VS Code workbench (code-server) in headless Chromium, with this repository's extension
// loaded from source, and a driver that works it the way a person does: Explorer, context menus,
// the command palette, notifications and webviews. Every wait has a timeout whose message says what
// it waited for, and a failed wait leaves a screenshot in test/artifacts/e2e/.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { ensureWorkbench } from './installWorkbench';
import { workbench } from './selectors';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'artifacts', 'e2e');
/** The extension under test: this repository, or a built copy elsewhere named by COSMOS_CRITIC_E2E_EXTENSION. */
export const EXTENSION_ROOT = resolve(process.env.COSMOS_CRITIC_E2E_EXTENSION || REPO_ROOT);

const CHROMIUM = process.env.COSMOS_CRITIC_E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** User settings that keep a fresh workbench quiet: no welcome page, tips, updates or AI side panels. */
const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

export interface StartOptions {
  /** Short name of the suite: prefixes its screenshots and logs, e.g. "sampling-plan". */
  name: string;
  /** Files copied into a fresh temporary workspace: name in the workspace → source path. */
  files?: Record<string, string>;
  /** Open this folder instead of a fresh temporary workspace. */
  workspace?: string;
  /** Workspace settings, written to `.vscode/settings.json` (e.g. `cosmosCritic.device`). */
  settings?: Record<string, unknown>;
  /** User settings added to the quiet defaults. */
  userSettings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface MenuOptions extends WaitOptions {
  /** Save a screenshot of the open menu under this name before clicking. */
  screenshot?: string;
}

export interface WebviewFrameOptions extends WaitOptions {
  /** Only a frame where an element matching the selector contains this text. */
  hasText?: string | RegExp;
}

export interface Timings {
  /** Seconds installing the workbench (0 when it was installed already). */
  installSeconds: number;
  /** Seconds from starting code-server to a workbench showing the workspace. */
  startSeconds: number;
}

export interface WorkbenchDriver {
  page: Page;
  /** The folder open in the workbench. */
  workspace: string;
  url: string;
  timings: Timings;
  /** A row of the Explorer tree, by file or folder name (visible rows only). */
  explorerItem(name: string): Locator;
  /** Right-clicks a row of the Explorer; `clickMenuItem` then picks from its context menu. */
  rightClick(name: string): Promise<void>;
  /** Clicks a context-menu item, right-clicking the last target again until the item appears. */
  clickMenuItem(label: string, options?: MenuOptions): Promise<void>;
  /** Runs a command from the F1 palette by its full title, e.g. "Cosmos Critic: Show Sampling Plan". */
  runCommand(title: string, options?: WaitOptions): Promise<void>;
  /** Waits for a notification toast containing the text; returns the toast. */
  waitForNotification(text: string | RegExp, options?: WaitOptions): Promise<Locator>;
  /** The innermost webview frame whose document has an element matching the selector. */
  webviewFrame(selector: string, options?: WebviewFrameOptions): Promise<Frame>;
  /** Polls `probe` until `accept` holds for its value; the timeout message names `what` and the last value. */
  waitFor<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, options?: WaitOptions): Promise<T>;
  /** Runs `fn`; on failure saves a screenshot and rethrows with `what` in the message. */
  step<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** Saves a PNG of the whole window under test/artifacts/e2e/; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser, kills code-server with all its children, removes the temporary folders. */
  close(): Promise<void>;
}

const log = (message: string): void => {
  process.stderr.write(`[e2e] ${message}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'shot';
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error('no free port on 127.0.0.1'))));
    });
  });
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function tail(file: string, chars = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars).trim();
  } catch {
    return '';
  }
}

/** Kills a whole process group; true if it was there. */
function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0);
}

/** An environment for code-server without anything inherited from a surrounding VS Code. */
function serverEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  env.XDG_CONFIG_HOME = join(home, 'config');
  env.XDG_DATA_HOME = join(home, 'data');
  env.XDG_CACHE_HOME = join(home, 'cache');
  return env;
}

/**
 * The entry of the extensions folder's manifest (`extensions.json`, VS Code's list of installed
 * extensions) that installs the extension under test in place: its location is this repository,
 * so the workbench runs the freshly built `dist/` with no packaging step. (The other way to load an
 * extension from source, the `extensionDevelopmentPath` payload, only works in a built VS Code with
 * the smoke-test driver enabled, and that hides every notification toast.)
 */
function extensionManifestEntry(): unknown {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return {
    identifier: { id: `${manifest.publisher}.${manifest.name}` },
    version: manifest.version,
    location: { $mid: 1, scheme: 'file', path: EXTENSION_ROOT },
    metadata: { installedTimestamp: Date.now(), source: 'vsix', pinned: true },
  };
}

/**
 * Starts code-server with the extension loaded from this repository (its `dist/` must be built),
 * opens the workspace in headless Chromium and waits until the Explorer shows it.
 */
export async function startWorkbench(options: StartOptions): Promise<WorkbenchDriver> {
  const { name } = options;
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const file of readdirSync(ARTIFACTS_DIR)) {
    if (file.startsWith(`${name}-`)) rmSync(join(ARTIFACTS_DIR, file), { recursive: true, force: true });
  }
  if (!existsSync(join(EXTENSION_ROOT, 'dist', 'extension.js'))) {
    throw new Error(`${join(EXTENSION_ROOT, 'dist', 'extension.js')} is missing: run \`node esbuild.mjs\` before the e2e tests.`);
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: install it (\`apt-get install chromium\`) or set COSMOS_CRITIC_E2E_CHROMIUM.`);
  }

  const installed = await ensureWorkbench();

  const home = mkdtempSync(join(tmpdir(), `cosmos-critic-e2e-${name}-`));
  const userDataDir = join(home, 'user-data');
  const extensionsDir = join(home, 'extensions');
  writeJson(join(extensionsDir, 'extensions.json'), [extensionManifestEntry()]);
  writeJson(join(userDataDir, 'User', 'settings.json'), { ...QUIET_USER_SETTINGS, ...options.userSettings });

  const workspace = options.workspace ?? join(home, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const [target, source] of Object.entries(options.files ?? {})) {
    mkdirSync(resolve(workspace, target, '..'), { recursive: true });
    copyFileSync(source, join(workspace, target));
  }
  if (options.settings) writeJson(join(workspace, '.vscode', 'settings.json'), options.settings);

  const serverLog = join(ARTIFACTS_DIR, `${name}-code-server.log`);
  const browserLog = join(ARTIFACTS_DIR, `${name}-browser.log`);
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;
  let shots = 0;
  let page: Page | undefined;

  const killServerNow = (): void => {
    if (server?.pid) killGroup(server.pid, 'SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killServerNow();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killServerNow);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  async function screenshot(shotName: string): Promise<string> {
    shots += 1;
    const file = join(ARTIFACTS_DIR, `${name}-${String(shots).padStart(2, '0')}-${slug(shotName)}.png`);
    try {
      if (page && !page.isClosed()) await page.screenshot({ path: file, timeout: 10_000 });
      return file;
    } catch (error) {
      log(`screenshot ${basename(file)} failed: ${errorText(error)}`);
      return '(no screenshot)';
    }
  }

  async function failure(what: string, detail: string): Promise<Error> {
    const shot = await screenshot(`failed-${what}`);
    return new Error(`${what}: ${detail} (screenshot: ${shot})`);
  }

  async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof Error && error.message.includes('(screenshot: ')) throw error;
      throw await failure(what, error instanceof Error ? error.message : String(error));
    }
  }

  async function waitFor<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, wait: WaitOptions = {}): Promise<T> {
    const timeoutMs = wait.timeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    let last = 'nothing yet';
    for (;;) {
      try {
        const value = await probe();
        if (accept(value)) return value;
        last = JSON.stringify(value) ?? String(value);
      } catch (error) {
        last = `error: ${errorText(error)}`;
      }
      if (Date.now() > deadline) {
        throw await failure(`waiting for ${what}`, `timed out after ${(timeoutMs / 1000).toFixed(0)} s; last seen: ${last.slice(0, 400)}`);
      }
      await sleep(200);
    }
  }

  /** Waits for a locator to be visible, failing with a message that names `what`. */
  async function visible(locator: Locator, what: string, timeoutMs: number): Promise<Locator> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
      return locator.first();
    } catch (error) {
      throw await failure(`waiting for ${what}`, `not visible after ${(timeoutMs / 1000).toFixed(0)} s (${errorText(error)})`);
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    process.off('exit', killServerNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (browser) {
      await Promise.race([browser.close().catch(() => undefined), sleep(10_000)]);
    }
    const pid = server?.pid;
    if (pid) {
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 5_000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        log(`code-server's process group ${pid} outlived SIGTERM: killing it`);
        killGroup(pid, 'SIGKILL');
        while (groupAlive(pid) && Date.now() < deadline + 5_000) await sleep(100);
      }
    }
    // The extension host's and the window's logs, for reading a failure afterwards.
    const logs = join(userDataDir, 'logs');
    if (existsSync(logs)) {
      try {
        cpSync(logs, join(ARTIFACTS_DIR, `${name}-logs`), { recursive: true });
      } catch (error) {
        log(`could not copy the workbench logs: ${errorText(error)}`);
      }
    }
    rmSync(home, { recursive: true, force: true });
  }

  const started = Date.now();
  try {
    const port = await freePort();
    const logFd = openSync(serverLog, 'w');
    try {
      server = spawn(
        installed.node,
        [
          installed.codeServerEntry,
          '--auth', 'none',
          '--bind-addr', `127.0.0.1:${port}`,
          '--disable-telemetry',
          '--disable-update-check',
          '--disable-workspace-trust',
          '--ignore-last-opened',
          // A safety net should this process be killed outright: code-server exits once no browser is
          // connected, and its extension host once the window has been gone a minute (not 3 hours).
          '--idle-timeout-seconds', '90',
          '--reconnection-grace-time', '60',
          '--extensions-dir', extensionsDir,
          '--user-data-dir', userDataDir,
          // Not `--vscode-option enable-smoke-test-driver`: the workbench shows no notification toasts with it.
        ],
        // Its own process group, so that close() ends code-server, its extension host and the critic server together.
        { cwd: home, env: serverEnv(home), detached: true, stdio: ['ignore', logFd, logFd] },
      );
    } finally {
      closeSync(logFd);
    }
    let exited: string | undefined;
    server.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));

    const healthDeadline = Date.now() + 60_000;
    for (;;) {
      if (exited) throw new Error(`code-server stopped (${exited}) before answering /healthz:\n${tail(serverLog)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > healthDeadline) throw new Error(`code-server did not answer http://127.0.0.1:${port}/healthz within 60 s:\n${tail(serverLog)}`);
      await sleep(200);
    }
    log(`${name}: code-server ${port} healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    const opened = await context.newPage();
    page = opened;
    writeFileSync(browserLog, '');
    const browserLine = (line: string): void => writeFileSync(browserLog, `${new Date().toISOString()} ${line}\n`, { flag: 'a' });
    opened.on('console', (message) => browserLine(`[${message.type()}] ${message.text()}`));
    opened.on('pageerror', (error) => browserLine(`[pageerror] ${error.message}`));
    opened.on('crash', () => browserLine('[crash] the page crashed'));

    await opened.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await visible(opened.locator(workbench.root), 'the workbench to load', 60_000);
    await visible(opened.locator(workbench.explorerTree), 'the Explorer to show the workspace', 60_000);
    const startSeconds = (Date.now() - started) / 1000;
    log(`${name}: workbench ready in ${startSeconds.toFixed(1)} s (install ${installed.installSeconds.toFixed(1)} s)`);

    let contextTarget: string | undefined;
    const explorerItem = (itemName: string): Locator => opened.locator(workbench.explorerRow(itemName));

    const driver: WorkbenchDriver = {
      page: opened,
      workspace,
      url,
      timings: { installSeconds: installed.installSeconds, startSeconds },
      explorerItem,

      async rightClick(itemName) {
        const row = await visible(explorerItem(itemName), `"${itemName}" in the Explorer`, 30_000);
        await row.click({ button: 'right' });
        contextTarget = itemName;
      },

      async clickMenuItem(label, wait = {}) {
        const timeoutMs = wait.timeoutMs ?? 30_000;
        const deadline = Date.now() + timeoutMs;
        const item = opened.getByRole('menuitem', { name: label, exact: true });
        let shown: string[] = [];
        for (let attempt = 1; ; attempt++) {
          try {
            await item.first().waitFor({ state: 'visible', timeout: 1_500 });
            // The menu animates in and takes clicks a moment after it appears.
            await sleep(300);
            if (wait.screenshot) await screenshot(wait.screenshot);
            await item.first().click({ timeout: 5_000 });
            if (attempt > 1) log(`${name}: "${label}" was in the context menu of "${contextTarget ?? '?'}" at attempt ${attempt}`);
            return;
          } catch {
            // The extension's items arrive a little after the workbench: close the menu and open it again.
          }
          shown = await opened
            .getByRole('menuitem')
            .allInnerTexts()
            .then((texts) => texts.map((text) => text.split('\n')[0]?.trim() ?? '').filter(Boolean))
            .catch(() => []);
          if (Date.now() > deadline) {
            throw await failure(
              `waiting for the menu item "${label}"`,
              `not in the context menu of "${contextTarget ?? '?'}" after ${(timeoutMs / 1000).toFixed(0)} s; the menu showed: ${shown.join(' | ') || 'nothing'}`,
            );
          }
          await opened.keyboard.press('Escape');
          await sleep(500);
          if (contextTarget) await driver.rightClick(contextTarget);
        }
      },

      async runCommand(title, wait = {}) {
        const timeoutMs = wait.timeoutMs ?? 30_000;
        const deadline = Date.now() + timeoutMs;
        const row = opened.locator(workbench.quickInputRow).filter({ hasText: title });
        for (;;) {
          await opened.keyboard.press('Escape');
          await opened.locator(workbench.root).click({ position: { x: 700, y: 5 } }).catch(() => undefined);
          await opened.keyboard.press('F1');
          const input = await visible(opened.locator(workbench.quickInputBox), 'the command palette', 10_000);
          await input.fill(`>${title}`);
          try {
            await row.first().waitFor({ state: 'visible', timeout: 3_000 });
            await sleep(200);
            await row.first().click({ timeout: 5_000 });
            return;
          } catch {
            // Contributed commands appear in the palette a little after the workbench: ask again.
          }
          if (Date.now() > deadline) {
            throw await failure(`waiting for the command "${title}"`, `not in the command palette after ${(timeoutMs / 1000).toFixed(0)} s`);
          }
          await sleep(500);
        }
      },

      async waitForNotification(text, wait = {}) {
        const toast = opened.locator(workbench.notificationToast).filter({ hasText: text });
        return visible(toast, `a notification saying ${String(text)}`, wait.timeoutMs ?? 30_000);
      },

      async webviewFrame(selector, wait = {}) {
        const what = `a webview showing ${selector}${wait.hasText === undefined ? '' : ` with ${String(wait.hasText)}`}`;
        const frame = await waitFor(
          what,
          async () => {
            // Innermost frames first: the webview's content frame sits inside VS Code's host frame.
            const frames = opened.frames().filter((f) => f !== opened.mainFrame() && !f.isDetached());
            frames.sort((a, b) => depth(b) - depth(a));
            for (const candidate of frames) {
              try {
                let located = candidate.locator(selector);
                if (wait.hasText !== undefined) located = located.filter({ hasText: wait.hasText });
                if ((await located.count()) > 0) return candidate;
              } catch {
                // Detached while looking: try the others, then look again.
              }
            }
            return undefined;
          },
          (found) => found !== undefined,
          { timeoutMs: wait.timeoutMs ?? 30_000 },
        );
        return frame as Frame;
      },

      waitFor,
      step,
      screenshot,
      close,
    };
    return driver;
  } catch (error) {
    const shot = page ? await screenshot('failed-start') : '(no page yet)';
    await close();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start the e2e workbench for ${name}: ${message} (screenshot: ${shot}; code-server log: ${serverLog})`);
  }
}

function depth(frame: Frame): number {
  let levels = 0;
  for (let parent = frame.parentFrame(); parent; parent = parent.parentFrame()) levels++;
  return levels;
}
