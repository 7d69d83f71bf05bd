import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults, diffViolations, verdictOf, type MatchedViolation, type ViolationChange } from '../../src/shared/promptCompare';
import type { CriticResult, CritiqueTrial, Violation } from '../../src/shared/result';

const v = (category: string, component: string | null, start_s: number | null, description = `${category} ${start_s}`): Violation => ({
  category, component, start_s, end_s: start_s, description, trial: 0,
});

const trial = (answer: 'Yes' | 'No' | null): CritiqueTrial => ({ overview: null, components: [], answer, raw: '', parse: answer ? 'ok' : 'failed' });

function critic(violations: Violation[], answers: ('Yes' | 'No' | null)[], score: number): CriticResult {
  return {
    schema: 'cosmos-critic/result@1',
    video: { path: '/w/ball.mp4', sha256: 'v1', duration_s: 3, width: 320, height: 240, fps: 25 },
    mode: 'critic',
    prompt: { id: 'physics-critic', version: 2, sha256: 'p2', path: '/w/physics.prompt.md' },
    model: { backend: 'onnx', id: 'tiny', device: 'cpu' },
    sampling: { rule: 'fps', fps: 4, frames: 4, width: 336, height: 252, frame_times_s: [0, 1, 2, 3] },
    critic: { score, trials: answers.map(trial) },
    violations,
    timing_ms: { probe: 0, decode: 0, vision: 0, prefill: 0, generate: 0, total: 0 },
    created_at: '2025-01-01T00:00:00.000Z',
  };
}

function reward(score: number): CriticResult {
  const { critic: _critic, ...rest } = critic([], [], 0);
  const anomaly = score >= 0.5 ? 'No' : 'Yes';
  return { ...rest, mode: 'reward', reward: { score, anomaly, p_yes: 1 - score, p_no: score, band: score >= 0.7 ? 'high' : score >= 0.3 ? 'medium' : 'low' } };
}

const kinds = (changes: ViolationChange[]) => changes.map((change) => change.kind);

describe('diffViolations', () => {
  it('matches by category + component: same, moved (> 0.5 s), added and removed', () => {
    const previous = [v('gravity', 'Ball', 2.0), v('collision', 'Cup', 1.0), v('fluid_dynamics', 'Water', 0.5)];
    const current = [v('gravity', 'Ball', 2.4), v('collision', 'Cup', 2.0), v('object_permanence', 'Box', 0.2)];
    const changes = diffViolations(previous, current);
    const byKind = Object.fromEntries(changes.map((change) => [change.kind === 'removed' ? `removed ${change.previous.category}` : `${change.kind} ${change.current.category}`, change]));
    assert.deepEqual(Object.keys(byKind).sort(), ['added object_permanence', 'moved collision', 'removed fluid_dynamics', 'same gravity']);
    const moved = byKind['moved collision'] as MatchedViolation;
    assert.equal(moved.shift_s, 1);
    const same = byKind['same gravity'] as MatchedViolation;
    assert.ok(Math.abs(same.shift_s! - 0.4) < 1e-9);
  });

  it('0.5 s exactly is not a move; just over is', () => {
    assert.deepEqual(kinds(diffViolations([v('gravity', 'Ball', 1)], [v('gravity', 'Ball', 1.5)])), ['same']);
    assert.deepEqual(kinds(diffViolations([v('gravity', 'Ball', 1)], [v('gravity', 'Ball', 1.51)])), ['moved']);
    assert.deepEqual(kinds(diffViolations([v('gravity', 'Ball', 2)], [v('gravity', 'Ball', 0.9)])), ['moved']);
  });

  it('matches case- and space-insensitively; another component or category is not a match', () => {
    assert.deepEqual(kinds(diffViolations([v('gravity', 'Ball', 1)], [v('Gravity', ' ball ', 1)])), ['same']);
    assert.deepEqual(kinds(diffViolations([v('gravity', 'Ball', 1)], [v('gravity', 'Cup', 1)])), ['added', 'removed']);
    assert.deepEqual(kinds(diffViolations([v('gravity', null, 1)], [v('collision', null, 1)])), ['added', 'removed']);
    assert.deepEqual(kinds(diffViolations([v('other', null, null)], [v('other', null, null)])), ['same']);
  });

  it('pairs repeated violations (one per trial) by the closest start', () => {
    const previous = [v('gravity', 'Ball', 1.0), v('gravity', 'Ball', 3.0)];
    const current = [v('gravity', 'Ball', 3.1), v('gravity', 'Ball', 1.2), v('gravity', 'Ball', 5)];
    const changes = diffViolations(previous, current);
    assert.deepEqual(kinds(changes), ['same', 'same', 'added']);
    assert.deepEqual(changes.map((change) => (change.kind === 'removed' ? change.previous.start_s : change.current.start_s)), [1.2, 3.1, 5]);
  });

  it('a violation that gained or lost its time is moved, with no shift; timed pairs are matched first', () => {
    const changes = diffViolations([v('gravity', 'Ball', null)], [v('gravity', 'Ball', 2)]);
    assert.equal(changes[0]!.kind, 'moved');
    assert.equal((changes[0] as MatchedViolation).shift_s, null);
    const mixed = diffViolations([v('gravity', 'Ball', null), v('gravity', 'Ball', 2)], [v('gravity', 'Ball', 2.2)]);
    assert.deepEqual(kinds(mixed), ['same', 'removed']);
  });

  it('sorts by time with untimed last, and handles empty sides', () => {
    const changes = diffViolations([v('a', null, 4)], [v('b', null, null), v('c', null, 1)]);
    assert.deepEqual(kinds(changes), ['added', 'removed', 'added']);
    assert.deepEqual(diffViolations([], []), []);
    assert.deepEqual(kinds(diffViolations([], [v('a', null, 1)])), ['added']);
    assert.deepEqual(kinds(diffViolations([v('a', null, 1)], [])), ['removed']);
  });
});

describe('verdictOf / compareResults', () => {
  it('reward: the anomaly answer; critic: the majority of parsed trials', () => {
    assert.deepEqual(verdictOf(reward(0.8)), { label: 'No anomaly', anomaly: 'No' });
    assert.deepEqual(verdictOf(reward(0.1)), { label: 'Anomaly', anomaly: 'Yes' });
    assert.equal(verdictOf(critic([], ['Yes', 'Yes', 'No', null], 0.33)).label, 'Anomaly');
    assert.equal(verdictOf(critic([], ['No', 'No', 'Yes'], 0.67)).label, 'No anomaly');
    assert.equal(verdictOf(critic([], ['No', 'Yes'], 0.5)).label, 'Split');
    assert.equal(verdictOf(critic([], [null, null], 0)).label, 'No answer');
  });

  it('score delta, verdict change and change counts', () => {
    const previous = critic([v('gravity', 'Ball', 1), v('collision', 'Cup', 2)], ['No', 'No', 'No', 'Yes'], 0.75);
    const current = critic([v('gravity', 'Ball', 2.5), v('object_permanence', 'Box', 0)], ['Yes', 'Yes', 'No', 'Yes'], 0.25);
    const delta = compareResults(previous, current);
    assert.equal(delta.previousScore, 0.75);
    assert.equal(delta.currentScore, 0.25);
    assert.equal(delta.scoreDelta, -0.5);
    assert.equal(delta.verdictChanged, true);
    assert.equal(delta.previousVerdict?.label, 'No anomaly');
    assert.equal(delta.currentVerdict?.label, 'Anomaly');
    assert.deepEqual(delta.counts, { added: 1, removed: 1, moved: 1, same: 0 });
  });

  it('a missing side gives no delta and no changes', () => {
    const delta = compareResults(null, reward(0.9));
    assert.equal(delta.scoreDelta, null);
    assert.equal(delta.verdictChanged, false);
    assert.deepEqual(delta.changes, []);
    assert.equal(compareResults(reward(0.9), reward(0.2)).verdictChanged, true);
  });
});
