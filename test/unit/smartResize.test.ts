import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundHalfEven, smartResize, torchLinspaceRound } from '../../src/engine/media/smartResize';

// Expected values are worked out with qwen-vl-utils' own smart_resize (Python, round half to even).
describe('roundHalfEven (Python round)', () => {
  it('sends ties to the even neighbour', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 4.5].map(roundHalfEven), [0, 2, 2, 4, 4]);
  });
  it('rounds everything else to nearest', () => {
    assert.deepEqual([0.49, 0.51, 2.4999, 2.5001, 7].map(roundHalfEven), [0, 1, 2, 3, 7]);
  });
});

describe('smartResize', () => {
  const VIDEO_MIN = 128 * 28 * 28;
  it('shrinks 1080p into the 768-token budget', () => {
    assert.deepEqual(smartResize(1080, 1920, 28, VIDEO_MIN, 768 * 28 * 28), { height: 560, width: 1008 });
  });
  it('shrinks 4K to the same size as 1080p under the same budget', () => {
    assert.deepEqual(smartResize(2160, 3840, 28, VIDEO_MIN, 602112), { height: 560, width: 1008 });
  });
  it('rounds to the nearest multiple of 28 with ties to even (42 → 56, 70 → 56)', () => {
    assert.deepEqual(smartResize(42, 70, 28, 0, 1e9), { height: 56, width: 56 });
  });
  it('grows tiny frames up to min_pixels', () => {
    assert.deepEqual(smartResize(10, 10, 28, 4 * 28 * 28, 16384 * 28 * 28), { height: 56, width: 56 });
  });
  it('keeps an odd size (641×359) on the 28 grid', () => {
    assert.deepEqual(smartResize(359, 641, 28, VIDEO_MIN, 602112), { height: 364, width: 644 });
  });
  it('never goes below one factor on a side when shrinking a very wide frame', () => {
    assert.deepEqual(smartResize(20, 3900, 28, 0, 50000), { height: 28, width: 3108 });
  });
  it('enlarges a 160×120 clip to the video minimum', () => {
    assert.deepEqual(smartResize(120, 160, 28, VIDEO_MIN, 235200), { height: 280, width: 392 });
  });
  it('rejects aspect ratios over 200', () => {
    assert.throws(() => smartResize(10, 2010, 28, 0, 1e9), /aspect ratio/);
  });
  it('always returns multiples of the factor within the pixel bounds', () => {
    for (const [h, w] of [[480, 640], [720, 1280], [1, 199], [333, 777], [1920, 1080]] as const) {
      const r = smartResize(h, w, 28, VIDEO_MIN, 602112);
      assert.equal(r.height % 28, 0);
      assert.equal(r.width % 28, 0);
      assert.ok(r.height * r.width <= 602112, `${h}x${w} → ${r.height}x${r.width}`);
    }
  });
});

describe('torchLinspaceRound', () => {
  it('spreads 12 indices over 75 frames as torch does', () => {
    assert.deepEqual(torchLinspaceRound(0, 74, 12), [0, 7, 13, 20, 27, 34, 40, 47, 54, 61, 67, 74]);
  });
  it('computes the upper half from the end (torch\'s symmetric kernel) and rounds ties to even', () => {
    // step 2.5: the middle value is 5 − 2.5 = 2.5 → 2, where Math.round would give 3.
    assert.deepEqual(torchLinspaceRound(0, 5, 3), [0, 2, 5]);
    assert.deepEqual(torchLinspaceRound(0, 4, 4), [0, 1, 3, 4]);
  });
  it('includes both ends and is non-decreasing', () => {
    const idx = torchLinspaceRound(0, 5999, 768);
    assert.equal(idx.length, 768);
    assert.equal(idx[0], 0);
    assert.equal(idx.at(-1), 5999);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
  });
});
