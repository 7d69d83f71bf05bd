import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ropePositions } from '../../src/engine/model/mropePositions';

const planes = (ids: BigInt64Array, seq: number) => [0, 1, 2].map((p) => Array.from(ids.slice(p * seq, (p + 1) * seq), Number));

describe('ropePositions (Qwen2.5-VL get_rope_index for one video)', () => {
  it('counts text on all planes and lays the video out on the merged grid', () => {
    // 3 text tokens, a video of 2 temporal steps × 2×2 merged patches, 2 text tokens.
    const r = ropePositions(13, { start: 3, t: 2, h: 2, w: 2, secondPerGridT: 0.5, tokensPerSecond: 2 });
    const [t, h, w] = planes(r.positionIds, 13);
    assert.deepEqual(t, [0, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6]);
    assert.deepEqual(h, [0, 1, 2, 3, 3, 4, 4, 3, 3, 4, 4, 5, 6]);
    assert.deepEqual(w, [0, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4, 5, 6]);
    assert.equal(r.nextPosition, 7);
  });
  it('scales time by seconds per grid step × tokens per second', () => {
    // 2 fps sampling: one grid step is 1 s, i.e. 2 temporal positions.
    const r = ropePositions(4, { start: 1, t: 3, h: 1, w: 1, secondPerGridT: 1, tokensPerSecond: 2 });
    assert.deepEqual(planes(r.positionIds, 4)[0], [0, 1, 3, 5]);
    assert.equal(r.nextPosition, 6);
  });
  it('truncates fractional times as torch .long() does, in float32', () => {
    // sample fps 10/3 → 0.6 s per grid step → 1.2 positions per step: 0, 1, 2, 3, 4, 6.
    const r = ropePositions(7, { start: 1, t: 6, h: 1, w: 1, secondPerGridT: 2 / (10 / 3), tokensPerSecond: 2 });
    assert.deepEqual(planes(r.positionIds, 7)[0], [0, 1, 2, 3, 4, 5, 7]);
  });
  it('lets text after a large grid resume after the largest spatial position', () => {
    const r = ropePositions(1 + 1 * 3 * 5 + 1, { start: 1, t: 1, h: 3, w: 5, secondPerGridT: 0.5, tokensPerSecond: 2 });
    const [t] = planes(r.positionIds, 17);
    assert.equal(t.at(-1), 1 + 4 + 1); // max w index 4, offset 1
    assert.equal(r.nextPosition, 7);
  });
  it('is plain 0..n−1 without a video', () => {
    const r = ropePositions(4);
    assert.deepEqual(planes(r.positionIds, 4), [[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]);
    assert.equal(r.nextPosition, 4);
  });
});
