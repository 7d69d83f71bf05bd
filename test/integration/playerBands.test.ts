// The player's reward band under the bands in force, in the built webview (headless Chromium, the host's messages
// posted as the extension posts them).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CriticResult } from '../../src/shared/result';
import type { PlayerView } from '../../src/shared/webviewMessages';
import { launchChromium, openWebview } from './webviewPage';
import { BALL_PROBE } from '../fixtures/ballProbe';

let browser: Browser;
let page: Page;
let scratch: string;

const result: CriticResult = {
  schema: 'cosmos-critic/result@1',
  video: { path: '/videos/ball.mp4', sha256: 'ab', duration_s: 3, width: 320, height: 240, fps: 25 },
  mode: 'reward',
  prompt: { id: 'reward', version: 1, sha256: 'cd', path: null },
  status: 'ok',
  model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32' },
  sampling: { rule: 'reward', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 2.96] },
  // Written at the default bands: 0.65 is medium there.
  reward: { score: 0.65, anomaly: 'No', p_yes: 0.35, p_no: 0.65, band: 'medium' },
  violations: [],
  timing_ms: { probe: 1, decode: 2, vision: 3, prefill: 4, generate: 5, total: 15 },
  created_at: '2026-01-01T00:00:00.000Z',
};

const view = (bands?: PlayerView['bands']): PlayerView => ({
  probe: { ...BALL_PROBE, plan: { ...BALL_PROBE.plan, rule: 'reward', target_fps: null } },
  playback: { videoUri: null, proxy: false, note: null, progress: null, failed: false },
  job: null,
  result,
  resultFile: null,
  thumbnails: [],
  ...(bands ? { bands } : {}),
});

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-player-bands-'));
  browser = await launchChromium();
  page = await openWebview(browser, scratch, 'player.js', 'player.css', 'player');
});
after(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the player under the bands in force', () => {
  const show = (v: PlayerView) => page.evaluate((x) => window.postMessage({ type: 'show', view: x }, '*'), JSON.parse(JSON.stringify(v)));

  it('re-bands the score with calibrated bands and says so in the tooltip', async () => {
    await show(view({ high: 0.6, low: 0.25, file: '/ws/bands.json' }));
    await page.waitForSelector('#reward-band[data-bands="calibrated"]');
    assert.equal(await page.getAttribute('#reward-band', 'data-band'), 'high');
    assert.match((await page.textContent('#reward-band'))!, /^high · physically plausible/);
    assert.equal(await page.getAttribute('#reward-band', 'title'), 'Band: high ≥ 0.6, medium 0.25–0.6, low < 0.25 (calibrated: bands.json)');
  });

  it('without calibrated bands shows the default band', async () => {
    await show(view());
    await page.waitForSelector('#reward-band[data-bands="default"]');
    assert.equal(await page.getAttribute('#reward-band', 'data-band'), 'medium');
    assert.match((await page.getAttribute('#reward-band', 'title'))!, /\(default bands\)$/);
  });
});
