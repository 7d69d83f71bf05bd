// The results browser's Calibration tab, run from the built bundle in headless Chromium with the host's messages
// posted to it as the extension posts them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { evaluateLabels } from '../../src/engine/eval/evaluateLabels';
import { metricsFromRows } from '../../src/engine/eval/extraMetrics';
import { parseTableText } from '../../src/engine/eval/tableFile';
import type { ScoredVideo } from '../../src/engine/eval/resultsSource';
import { launchChromium, openWebview } from './webviewPage';

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
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-calibration-tab-'));
  browser = await launchChromium();
  page = await openWebview(browser, scratch, 'results.js', 'results.css', 'index');
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

describe('results browser: metric columns and the bands in force', () => {
  const row = (i: number, score: number, metrics?: Record<string, number>) => ({
    video: `/v/clip${i}.mp4`, prompt_id: 'reward', prompt_version: '1', model: 'm', mode: 'reward', status: 'ok', score, band: score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low',
    anomaly: 'No', violations: 0, categories: '', duration_s: 2, error: null, result_file: `results/clip${i}.mp4.reward-v1.m.json`, ...(metrics ? { metrics } : {}),
  });
  const rows = [row(0, 0.9, { sampson_error: 0.5, fvd: 120 }), row(1, 0.6, { sampson_error: 2.25 }), row(2, 0.2), row(3, 0.4, { sampson_error: 1 })];
  const other = rows.map((r, i) => ({ ...r, model: 'm2', score: [0.8, 0.5, 0.3, 0.35][i]! }));
  const post = (message: unknown) => page.evaluate((m) => window.postMessage(m, '*'), message);
  const cells = (column: string) => page.locator(`#results-rows .result-row .cell[data-column="${column}"]`).allTextContents();

  it('adds one sortable column per metric, empty where a video has none', async () => {
    await post({ type: 'data', sources: [{ id: 0, label: 'here', dir: '/r', rows: [...rows, ...other] }], bands: { high: 0.62, low: 0.25, file: '/ws/bands.json' }, metrics: { file: '/ws/metrics.csv', columns: ['sampson_error', 'fvd'] } });
    await page.click('#tab-table');
    await page.waitForSelector('.header-cell[data-metric="sampson_error"]');
    assert.deepEqual(await page.locator('.header-cell[data-metric]').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric'))), ['sampson_error', 'fvd']);
    await page.selectOption('#filter-group', { index: 1 });
    await page.click('.header-cell[data-metric="sampson_error"] button');
    await page.waitForFunction(() => document.querySelector('.header-cell[data-metric="sampson_error"] button')?.getAttribute('data-direction') === 'ascending');
    assert.deepEqual(await cells('video'), ['clip0.mp4', 'clip3.mp4', 'clip1.mp4', 'clip2.mp4']);
    assert.deepEqual(await cells('metric:sampson_error'), ['0.5', '1', '2.25', '']);
    assert.deepEqual(await cells('metric:fvd'), ['120', '', '', '']);
    await page.click('.header-cell[data-metric="sampson_error"] button');
    await page.waitForFunction(() => document.querySelector('.header-cell[data-metric="sampson_error"] button')?.getAttribute('data-direction') === 'descending');
    assert.deepEqual(await cells('video'), ['clip1.mp4', 'clip3.mp4', 'clip0.mp4', 'clip2.mp4'], 'no value last either way');
    await page.selectOption('#filter-group', { index: 0 });
  });

  it('draws the histogram, compare and rank cut-lines at the bands in force and says which', async () => {
    const cutoffs = (selector: string) => page.locator(`${selector}[data-cutoff]`).evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-cutoff')))]);
    assert.deepEqual(await cutoffs('#score-histogram .histogram-cutoff'), ['0.25', '0.62']);
    assert.equal(await page.getAttribute('#score-histogram', 'data-bands'), 'calibrated');
    assert.match((await page.textContent('#histogram-caption'))!, /0\.25 and 0\.62, calibrated bands/);
    assert.match((await page.getAttribute('#histogram-caption', 'title'))!, /bands\.json/);
    assert.match((await page.locator('#filter-band option[value="high"]').textContent())!, /≥ 0\.62/);
    await page.click('#tab-compare');
    await page.waitForSelector('#compare-scatter');
    assert.deepEqual(await cutoffs('#compare-scatter .scatter-cutoff'), ['0.25', '0.62']);
    await page.click('#tab-rank');
    await page.waitForSelector('#rank-chart');
    assert.deepEqual(await cutoffs('#rank-chart .rank-cutoff'), ['0.25', '0.62']);

    // Without calibrated bands: the defaults, said so.
    await post({ type: 'data', sources: [{ id: 0, label: 'here', dir: '/r', rows: [...rows, ...other] }] });
    await page.waitForFunction(() => document.querySelector('#rank-chart')?.getAttribute('data-bands') === 'default');
    assert.deepEqual(await cutoffs('#rank-chart .rank-cutoff'), ['0.3', '0.7']);
    await page.click('#tab-table');
    assert.deepEqual(await cutoffs('#score-histogram .histogram-cutoff'), ['0.3', '0.7']);
    assert.match((await page.textContent('#histogram-caption'))!, /default bands/);
    assert.equal(await page.locator('.header-cell[data-metric]').count(), 0, 'no metrics file: no metric columns');
  });
});
