import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CriticResult } from '../../src/shared/result';
import {
  isCriticResult,
  parseFromPlayerMessage,
  parsePlayerState,
  parseToPlayerMessage,
  type PlayerView,
} from '../../src/shared/webviewMessages';
import { BALL_PROBE } from '../fixtures/ballProbe';

const probe = BALL_PROBE;

function criticResult(): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: '/videos/ball.mp4', sha256: 'ab', duration_s: 3, width: 320, height: 240, fps: 25 },
    mode: 'critic',
    prompt: { id: 'critic-detailed', version: 1, sha256: 'cd', path: '/prompts/critic-detailed.prompt.md' },
    model: { backend: 'onnx', id: 'tiny', device: 'cpu', precision: 'fp32' },
    sampling: { rule: 'fps', fps: 16, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 2.96] },
    critic: {
      score: 0.5,
      trials: [
        { overview: 'A ball falls.', components: [{ name: 'Ball', analysis: 'It rises at 2.5s.', anomaly: 'Yes' }], answer: 'Yes', raw: '<think>…', parse: 'ok' },
        { overview: null, components: [], answer: 'No', raw: 'No', parse: 'partial' },
      ],
    },
    violations: [
      { category: 'gravity', component: 'Ball', start_s: 2.5, end_s: 2.5, description: 'It rises at 2.5s.', trial: 0 },
      { category: 'other', component: null, start_s: null, end_s: null, description: 'Something odd.', trial: 0 },
    ],
    timing_ms: { probe: 1, decode: 2, vision: 3, prefill: 4, generate: 5, total: 15 },
    generation: { tokens: 10, tokens_per_second: 5 },
    cache: { result: false, vision_features: false },
    created_at: '2025-01-01T00:00:00.000Z',
  };
}

function rewardResult(): CriticResult {
  const { critic: _critic, ...rest } = criticResult();
  return { ...rest, mode: 'reward', violations: [], reward: { score: 0.8, anomaly: 'No', p_yes: 0.2, p_no: 0.8, band: 'high' } };
}

function view(): PlayerView {
  return {
    probe,
    playback: { videoUri: 'https://file+.vscode-resource.vscode-cdn.net/videos/ball.mp4', proxy: false, note: null, progress: null, failed: false },
    job: { id: 'j1', mode: 'critic', prompt: 'critic-detailed', status: 'done', stage: null, error: null, text: ['<think>'] },
    result: criticResult(),
    resultFile: '/work/.cosmos-critic/results/ball.critic-detailed-v1.result.json',
    thumbnails: [{ time_s: 0, uri: 'https://file+.vscode-resource.vscode-cdn.net/t/0001.jpg' }],
  };
}

/** A deep copy with one field replaced, at a dotted path. */
function withField<T>(value: T, dotted: string, field: unknown): T {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = dotted.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]!] = field;
  return copy as T;
}

describe('player messages: from the webview', () => {
  it('accepts each action, and keeps only its known fields', () => {
    for (const type of ['ready', 'openExternally', 'choosePrompt', 'cancelJob', 'copyResult', 'openResultFile'] as const) {
      assert.deepEqual(parseFromPlayerMessage({ type, extra: 'dropped' }), { type });
    }
    assert.deepEqual(parseFromPlayerMessage({ type: 'run', mode: 'critic', force: true, path: '/etc/passwd' }), { type: 'run', mode: 'critic', force: true });
    assert.deepEqual(parseFromPlayerMessage({ type: 'run', mode: 'reward', force: false }), { type: 'run', mode: 'reward', force: false });
  });

  it('rejects unknown types, wrong field types and non-objects', () => {
    for (const bad of [null, 'ready', 42, [], { type: 'runShell' }, { type: 'run', mode: 'judge', force: false }, { type: 'run', mode: 'critic' },
      { type: 'run', mode: 'critic', force: 'yes' }, { type: 'playbackError', code: '4', message: 'x' }, { type: 'playbackError', code: 4 }]) {
      assert.equal(parseFromPlayerMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('shortens long playback error messages', () => {
    const parsed = parseFromPlayerMessage({ type: 'playbackError', code: null, message: 'x'.repeat(5000) });
    assert.ok(parsed?.type === 'playbackError' && parsed.message.length === 1000 && parsed.code === null);
  });
});

describe('player messages: to the webview', () => {
  it('accepts a full view with a critic result, and a reward result', () => {
    const shown = parseToPlayerMessage({ type: 'show', view: view() });
    assert.deepEqual(shown, { type: 'show', view: view() });
    assert.ok(parseToPlayerMessage({ type: 'result', result: rewardResult(), resultFile: null }));
    assert.ok(parseToPlayerMessage({ type: 'show', view: { ...view(), job: null, result: null, resultFile: null, thumbnails: [] } }));
  });

  it('carries the bands in force with the view (kept in the saved state), and refuses bands that are not cut-offs', () => {
    const bands = { high: 0.62, low: 0.25, file: '/ws/bands.json' };
    assert.deepEqual(parseToPlayerMessage({ type: 'show', view: { ...view(), bands } }), { type: 'show', view: { ...view(), bands } });
    assert.deepEqual(parsePlayerState({ ...view(), bands, current_time_s: 1 })?.bands, bands);
    for (const bad of [{ high: 0.2, low: 0.6, file: null }, { high: 0.7, low: 0.3 }, { high: '0.7', low: 0.3, file: null }, { high: 0.7, low: -0.1, file: null }]) {
      assert.equal(parseToPlayerMessage({ type: 'show', view: { ...view(), bands: bad } }), undefined, JSON.stringify(bad));
    }
  });

  it('accepts the streaming messages', () => {
    assert.deepEqual(parseToPlayerMessage({ type: 'text', jobId: 'j1', trial: 2, delta: 'ball' }), { type: 'text', jobId: 'j1', trial: 2, delta: 'ball' });
    assert.deepEqual(parseToPlayerMessage({ type: 'stage', jobId: 'j1', stage: 'Decoding frames' }), { type: 'stage', jobId: 'j1', stage: 'Decoding frames' });
    assert.deepEqual(parseToPlayerMessage({ type: 'seek', time_s: 1.5 }), { type: 'seek', time_s: 1.5 });
  });

  it('rejects a view whose parts do not hold to their types', () => {
    const broken: [string, unknown][] = [
      ['result.violations.0.start_s', '2.5'],
      ['result.violations.0.trial', null],
      ['result.schema', 'cosmos-critic/result@2'],
      ['result.mode', 'judge'],
      ['result.critic.trials.0.answer', 'Maybe'],
      ['result.critic.trials.0.components.0.anomaly', true],
      ['result.sampling.frame_times_s', [0, 'one']],
      ['result.timing_ms.total', Number.NaN],
      ['playback.progress', 1.5],
      ['playback.failed', 'no'],
      ['job.status', 'paused'],
      ['job.text', [1, 2]],
      ['thumbnails', [{ time_s: -1, uri: 'x' }]],
      ['probe.plan.frame_indices', 'all'],
      ['resultFile', 42],
    ];
    for (const [field, value] of broken) {
      assert.equal(parseToPlayerMessage({ type: 'show', view: withField(view(), field, value) }), undefined, field);
    }
  });

  it('rejects streaming messages with wrong fields', () => {
    for (const bad of [
      { type: 'text', jobId: 'j1', trial: -1, delta: 'x' },
      { type: 'text', jobId: 'j1', trial: 1.5, delta: 'x' },
      { type: 'text', jobId: 7, trial: 0, delta: 'x' },
      { type: 'stage', jobId: 'j1' },
      { type: 'seek', time_s: -2 },
      { type: 'seek', time_s: Infinity },
      { type: 'result', result: { ...criticResult(), violations: 'none' }, resultFile: null },
      { type: 'thumbnails', thumbnails: [{ time_s: 0 }] },
      { type: 'eval', code: 'alert(1)' },
    ]) {
      assert.equal(parseToPlayerMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('checks the results the engine writes', () => {
    assert.equal(isCriticResult(criticResult()), true);
    assert.equal(isCriticResult(rewardResult()), true);
    assert.equal(isCriticResult(withField(rewardResult(), 'reward.band', 'great')), false);
    assert.equal(isCriticResult(withField(criticResult(), 'model.backend', 'torch')), false);
  });
});

describe('player state', () => {
  it('restores a saved state, clamping a negative time', () => {
    const state = { ...view(), current_time_s: -3 };
    assert.deepEqual(parsePlayerState(state), { ...view(), current_time_s: 0 });
  });

  it('restores the state of the sampling-plan-only player', () => {
    const restored = parsePlayerState({ probe, videoUri: 'vscode-resource:/v.mp4', current_time_s: 1.25 });
    assert.equal(restored?.playback.videoUri, 'vscode-resource:/v.mp4');
    assert.equal(restored?.result, null);
    assert.equal(restored?.current_time_s, 1.25);
  });

  it('drops a state it cannot trust', () => {
    assert.equal(parsePlayerState(undefined), undefined);
    assert.equal(parsePlayerState({ ...view() }), undefined);
    assert.equal(parsePlayerState({ ...view(), result: { schema: 'x' }, current_time_s: 0 }), undefined);
  });
});
