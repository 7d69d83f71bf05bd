// The results browser's Calibration tab, run from the built bundle in headless Chromium with the host's messages
// posted to it as the extension posts them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { evaluateLabels } from '../../src/engine/eval/evaluateLabels';
import { metricsFromRows } from '../../src/engine/eval/extraMetrics';
import { parseTableText } from '../../src/engine/eval/tableFile';
import type { ScoredVideo } from '../../src/engine/eval/resultsSource';
import { ROOT, requireBuilt } from './builtArtifacts';

const CHROMIUM = process.env.COSMOS_CRITIC_E2E_CHROMIUM || '/usr/bin/chromium';
let browser: Browser;
let page: Page;
let scratch: string;

const SCORES = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.4, 0.2];
const GOOD = [true, false, true, true, false, false, true, false];

function report() {
  const results: ScoredVideo[] = SCORES.map((score, i) => ({
    video: `/v/clip${i}.mp4`, result_file: `results/clip${i}.mp4.reward-v1.m.json`, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward',
    score, unscored_reason: null, violations: i === 1 ? [{ start_s: 1, end_s: 2, category: 'gravity' }] : [], frame_gap_s: 0.25, created_at: '',
  }));
  const labels = SCORES.map((_, i) => ({ video: `clip${i}.mp4`, line: i + 2, good: GOOD[i]!, score5: null, violations: i === 1 ? [{ start_s: 1.2, end_s: 2, category: 'gravity' }] : null }));
  const metrics = metricsFromRows(parseTableText(['video,sampson_error', ...SCORES.map((s, i) => `clip${i}.mp4,${(1 - s) * 3}`)].join('\n'), 'm.csv'), 'm.csv');
  return evaluateLabels({ dir: '/r', videos_root: '/v', results, skipped: [] }, { file: '/labels.csv', format: 'cosmos', labels }, { bootstrapRounds: 100, metrics });
}

before(async () => {
  const script = requireBuilt(resolve(ROOT, 'dist', 'webview', 'results.js'));
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-calibration-tab-'));
  const html = join(scratch, 'index.html');
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="${pathToFileURL(resolve(ROOT, 'media', 'results.css')).href}"></head><body><div id="app"></div>
<script>window.posted = []; let state; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => state, setState: (s) => { state = s; } });</script>
<script src="${pathToFileURL(script).href}"></script></body></html>`,
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--allow-file-access-from-files'] });
  page = await browser.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction(() => (window as unknown as { posted: Array<{ type: string }> }).posted.some((m) => m.type === 'ready'));
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('results browser: Calibration tab', () => {
  it('asks the host for a labels file, then shows the evaluation it gets back', async () => {
    await page.click('#tab-calibration');
    await page.click('#calibration-choose');
    assert.ok(await page.evaluate(() => (window as unknown as { posted: Array<{ type: string }> }).posted.some((m) => m.type === 'chooseLabels')));
    const r = report();
    await page.evaluate((data) => window.postMessage({ type: 'calibration', report: data, message: null }, '*'), JSON.parse(JSON.stringify(r)));
    await page.waitForSelector('#calibration-roc path.roc-curve');
    assert.equal(await page.getAttribute('#calibration-roc path.roc-curve', 'data-points'), String(r.runs[0]!.roc_curve.length));
    assert.equal(await page.locator('#calibration-reliability .reliability-bar').count(), 7);
    assert.match((await page.textContent('[data-stat="roc_auc"] dd'))!, /^0\.719 \[/);
    assert.deepEqual(await page.locator('#calibration-confusion tbody tr').allTextContents(), ['high (≥ 0.7)21', 'medium22', 'low (< 0.3)01']);
    assert.equal(await page.locator('#calibration-timestamps tbody tr').count(), 2);
    assert.deepEqual(await page.locator('#calibration-metrics tbody tr').allTextContents(), ['sampson_error8-1.000-1.000']);
    assert.equal(await page.locator('#calibration-metric-sampson_error circle').count(), 8);
    await page.click('#calibration-metrics-choose');
    assert.ok(await page.evaluate(() => (window as unknown as { posted: Array<{ type: string }> }).posted.some((m) => m.type === 'chooseMetrics')));
    // The biggest disagreement first: clip1 (0.8, labelled bad).
    const first = page.locator('#calibration-disagreements li').first();
    assert.equal(await first.getAttribute('data-video'), '/v/clip1.mp4');
    await first.click();
    const opened = await page.evaluate(() => (window as unknown as { posted: Array<{ type: string }> }).posted.filter((m) => m.type === 'openVideo'));
    assert.deepEqual(opened, [{ type: 'openVideo', source: 0, video: '/v/clip1.mp4', resultFile: 'results/clip1.mp4.reward-v1.m.json' }]);
    await page.click('#calibration-save-bands');
    assert.ok(await page.evaluate(() => (window as unknown as { posted: Array<{ type: string; run?: number }> }).posted.some((m) => m.type === 'saveBands' && m.run === 0)));
  });

  it('shows the host’s message when the labels cannot be used', async () => {
    await page.evaluate(() => window.postMessage({ type: 'calibration', report: null, message: 'labels.csv:3: label "maybe" is neither good/bad nor a 1–5 plausibility score' }, '*'));
    await page.waitForSelector('#calibration-body [role="alert"]');
    assert.match((await page.textContent('#calibration-body'))!, /labels\.csv:3/);
  });
});
