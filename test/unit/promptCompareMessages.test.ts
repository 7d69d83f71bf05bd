import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseFromCompareMessage,
  parseToCompareMessage,
  type PromptCompareView,
  type VideoComparison,
} from '../../src/shared/promptCompareMessages';
import type { CriticResult } from '../../src/shared/result';

function result(): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: '/w/ball.mp4', sha256: 'v', duration_s: 3, width: 320, height: 240, fps: 25 },
    mode: 'reward',
    prompt: { id: 'reward', version: '2', sha256: 'p', path: null },
    model: { backend: 'openai', id: 'cosmos-reward', device: 'http://gpu:8000/v1' },
    sampling: { rule: 'reward', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 3] },
    reward: { score: 0.8, anomaly: 'No', p_yes: 0.2, p_no: 0.8, band: 'high' },
    violations: [],
    timing_ms: { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 },
    created_at: '2025-01-01T00:00:00.000Z',
  };
}

function row(): VideoComparison {
  return {
    video: '/w/ball.mp4',
    label: 'ball.mp4',
    status: 'done',
    stage: null,
    error: null,
    previous: { result: result(), resultFile: '/w/.cosmos-critic/results/ball.reward-v1.result.json', promptText: 'changed' },
    current: { result: result(), resultFile: null, promptText: 'current' },
  };
}

function view(): PromptCompareView {
  return { promptId: 'reward', promptPath: '/w/reward.prompt.md', kind: 'live', previousLabel: 'Previous version', currentLabel: 'This version (v2)', running: false, note: null, rows: [row()] };
}

describe('comparison view messages', () => {
  it('accepts well-formed messages to the webview', () => {
    assert.deepEqual(parseToCompareMessage({ type: 'show', view: view() }), { type: 'show', view: view() });
    assert.deepEqual(parseToCompareMessage({ type: 'row', row: row() }), { type: 'row', row: row() });
    assert.deepEqual(parseToCompareMessage({ type: 'running', running: true, note: 'Running…' }), { type: 'running', running: true, note: 'Running…' });
  });

  it('rejects malformed messages to the webview', () => {
    assert.equal(parseToCompareMessage(null), undefined);
    assert.equal(parseToCompareMessage({ type: 'show' }), undefined);
    assert.equal(parseToCompareMessage({ type: 'show', view: { ...view(), kind: 'other' } }), undefined);
    assert.equal(parseToCompareMessage({ type: 'row', row: { ...row(), status: 'exploded' } }), undefined);
    assert.equal(parseToCompareMessage({ type: 'row', row: { ...row(), current: { result: { schema: 'x' }, resultFile: null, promptText: 'current' } } }), undefined);
    assert.equal(parseToCompareMessage({ type: 'row', row: { ...row(), previous: { ...row().previous, promptText: 'maybe' } } }), undefined);
    assert.equal(parseToCompareMessage({ type: 'running', running: 'yes', note: null }), undefined);
    assert.equal(parseToCompareMessage({ type: 'eval', code: '1' }), undefined);
  });

  it('accepts well-formed messages from the webview, and only those', () => {
    for (const type of ['ready', 'rerun', 'cancel', 'openPrompt'] as const) assert.deepEqual(parseFromCompareMessage({ type, extra: 1 }), { type });
    assert.deepEqual(parseFromCompareMessage({ type: 'openResult', file: '/w/r.json' }), { type: 'openResult', file: '/w/r.json' });
    assert.deepEqual(parseFromCompareMessage({ type: 'openVideo', video: '/w/ball.mp4' }), { type: 'openVideo', video: '/w/ball.mp4' });
    assert.equal(parseFromCompareMessage({ type: 'openResult', file: 42 }), undefined);
    assert.equal(parseFromCompareMessage({ type: 'openResult', file: '' }), undefined);
    assert.equal(parseFromCompareMessage({ type: 'openVideo', video: 'x'.repeat(5000) }), undefined);
    assert.equal(parseFromCompareMessage({ type: 'runShell' }), undefined);
    assert.equal(parseFromCompareMessage('ready'), undefined);
    assert.equal(parseFromCompareMessage([{ type: 'ready' }]), undefined);
  });
});
