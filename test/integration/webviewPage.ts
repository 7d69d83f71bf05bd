// A built webview bundle in headless Chromium, outside VS Code: a page with a stand-in for the webview API
// (`acquireVsCodeApi`: posted messages are collected in `window.posted`, state kept in memory), so tests post the
// messages the extension host posts and read what the webview answers.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, requireBuilt } from './builtArtifacts';

const CHROMIUM = process.env.COSMOS_CRITIC_E2E_CHROMIUM || '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--allow-file-access-from-files'] });
}

/** Writes `<scratch>/<name>.html` loading `dist/webview/<bundle>` with `media/<css>`, opens it, waits for `ready`. */
export async function openWebview(browser: Browser, scratch: string, bundle: string, css: string, name = bundle.replace(/\.js$/, '')): Promise<Page> {
  const html = join(scratch, `${name}.html`);
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(resolve(ROOT, 'media', css)).href}"></head><body><div id="app"></div>
<script>window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });</script>
<script src="${pathToFileURL(requireBuilt(resolve(ROOT, 'dist', 'webview', bundle))).href}"></script></body></html>`,
  );
  const page = await browser.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction(() => (window as unknown as { posted: Array<{ type: string }> }).posted.some((m) => m.type === 'ready'));
  return page;
}
