// An unparsed critique in the built webviews (headless Chromium, the host's messages posted as the extension posts
// them): the player shows no score but the model's raw text; the results browser gives it its own band colour,
// distinct from `low` and `failed` in each of VS Code's themes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CriticResult } from '../../src/shared/result';
import type { ResultRowView } from '../../src/shared/resultsMessages';
import type { PlayerView } from '../../src/shared/webviewMessages';
import { launchChromium, openWebview } from './webviewPage';
import { BALL_PROBE } from '../fixtures/ballProbe';

let browser: Browser;
let scratch: string;

const RAW = 'The clip shows a ball; I would need more frames to decide.';

const probe = BALL_PROBE;

const unparsed: CriticResult = {
  schema: 'cosmos-critic/result@1',
  video: { path: '/videos/ball.mp4', sha256: 'ab', duration_s: 3, width: 320, height: 240, fps: 25 },
  mode: 'critic',
  prompt: { id: 'critic-detailed', version: 1, sha256: 'cd', path: null },
  status: 'unparsed',
  model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32' },
  sampling: { rule: 'fps', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 2.96] },
  critic: { score: null, trials: [{ overview: null, components: [], answer: null, raw: RAW, parse: 'failed' }] },
  violations: [],
  timing_ms: { probe: 1, decode: 2, vision: 3, prefill: 4, generate: 5, total: 15 },
  created_at: '2026-01-01T00:00:00.000Z',
};

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-unparsed-views-'));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('an unparsed critique in the webviews', () => {
  it('the player: "Unparsed", no score, the raw text of each trial', async () => {
    const p = await openWebview(browser, scratch, 'player.js', 'player.css', 'player');
    const view: PlayerView = {
      probe,
      playback: { videoUri: pathToFileURL('/videos/ball.mp4').href, proxy: false, note: null, progress: null, failed: false },
      job: null,
      result: unparsed,
      resultFile: null,
      thumbnails: [],
    };
    await p.evaluate((v) => window.postMessage({ type: 'show', view: v }, '*'), JSON.parse(JSON.stringify(view)));
    await p.waitForSelector('#critic-score');
    assert.equal(await p.textContent('#critic-score'), 'Unparsed');
    assert.equal(await p.getAttribute('#critic-score', 'class'), 'score unparsed');
    assert.match((await p.textContent('#unparsed'))!, /None of the 1 answer could be read: there is no verdict/);
    assert.deepEqual(await p.locator('#verdict pre.unparsed-raw').allTextContents(), [RAW]);
    assert.doesNotMatch((await p.textContent('#verdict'))!, /0\.000/);
    await p.close();
  });

  it('the results browser: its own filter, count and colour, distinct from low and failed in every theme', async () => {
    const p = await openWebview(browser, scratch, 'results.js', 'results.css', 'results');
    const row = (video: string, status: ResultRowView['status'], score: number | null, band: string | null): ResultRowView => ({
      video, prompt_id: 'critic', prompt_version: '1', model: 'tiny', mode: 'critic', status, score, band,
      anomaly: null, violations: status === 'failed' ? null : 0, categories: '', duration_s: 3, error: status === 'failed' ? 'not a video' : null, result_file: null,
    });
    const rows = [row('/v/low.mp4', 'ok', 0.1, 'low'), row('/v/unparsed.mp4', 'unparsed', null, null), row('/v/failed.mp4', 'failed', null, null)];
    await p.evaluate((r) => window.postMessage({ type: 'data', sources: [{ id: 0, label: 'w', dir: '/w', rows: r }] }, '*'), rows);
    await p.waitForSelector('.band-count[data-band="unparsed"]');
    assert.equal(await p.getAttribute('.band-count[data-band="unparsed"]', 'data-count'), '1');
    assert.equal(await p.getAttribute('.band-count[data-band="failed"]', 'data-count'), '1');
    assert.equal(await p.getAttribute('.band-count[data-band="low"]', 'data-count'), '1');
    assert.equal(await p.locator('#filter-band option[value="unparsed"]').count(), 1);

    // The colours VS Code's themes give these variables: dark, light, high contrast dark, high contrast light.
    const themes = {
      dark: { red: '#f14c4c', purple: '#b180d7', error: '#f48771' },
      light: { red: '#e51400', purple: '#652d90', error: '#a1260d' },
      'hc-dark': { red: '#f14c4c', purple: '#b180d7', error: '#f48771' },
      'hc-light': { red: '#b5200d', purple: '#652d90', error: '#b5200d' },
    };
    for (const [theme, colours] of Object.entries(themes)) {
      const swatches = await p.evaluate((c) => {
        const root = document.documentElement.style;
        root.setProperty('--vscode-charts-red', c.red);
        root.setProperty('--vscode-charts-purple', c.purple);
        root.setProperty('--vscode-errorForeground', c.error);
        return Object.fromEntries(
          ['low', 'unparsed', 'failed'].map((band) => [band, getComputedStyle(document.querySelector(`.band-count[data-band="${band}"] .band-swatch`)!).backgroundColor]),
        ) as { low: string; unparsed: string; failed: string };
      }, colours);
      assert.notEqual(swatches.unparsed, 'rgba(0, 0, 0, 0)', `${theme}: unparsed has a colour`);
      assert.notEqual(swatches.unparsed, swatches.low, `${theme}: unparsed and low`);
      assert.notEqual(swatches.unparsed, swatches.failed, `${theme}: unparsed and failed`);
    }

    await p.selectOption('#filter-band', 'unparsed');
    await p.waitForFunction(() => document.querySelectorAll('.result-row').length === 1);
    assert.equal(await p.getAttribute('.result-row', 'data-status'), 'unparsed');
    assert.equal(await p.textContent('.result-row .cell[data-column="score"]'), 'unparsed');
    await p.close();
  });
});
