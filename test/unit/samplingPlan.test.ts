import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  planFpsSampling,
  planRewardSampling,
  planSampling,
  SamplingError,
  smartNframes,
  VIDEO_TOTAL_PIXELS,
} from '../../src/engine/media/samplingPlan';

const clip = (frameCount: number, fps: number, width = 320, height = 240) => ({ frameCount, fps, width, height });

describe('smartNframes (qwen-vl-utils smart_nframes)', () => {
  it('samples duration × fps frames, floored to an even count', () => {
    assert.equal(smartNframes({ fps: 4 }, 75, 25), 12);
    assert.equal(smartNframes({ fps: 2 }, 100, 30), 6); // 6.67 → 6
  });
  it('defaults to the product fps of 4', () => {
    assert.equal(smartNframes({}, 250, 25), 40);
  });
  it('raises short clips to the 4-frame minimum', () => {
    assert.equal(smartNframes({ fps: 4 }, 5, 25), 4); // 0.2 s
  });
  it('never asks for more frames than exist', () => {
    assert.equal(smartNframes({ fps: 4 }, 3, 25), 2);
  });
  it('caps long videos at 768 frames', () => {
    assert.equal(smartNframes({ fps: 4 }, 6000, 10), 768);
  });
  it('rounds min_frames up and max_frames down to even', () => {
    assert.equal(smartNframes({ fps: 4, max_frames: 7 }, 1000, 25), 6);
    assert.equal(smartNframes({ fps: 0.1, min_frames: 5 }, 1000, 25), 6);
  });
  it('rounds a fixed nframes with Python\'s half-to-even rule', () => {
    assert.equal(smartNframes({ nframes: 5 }, 100, 25), 4);
    assert.equal(smartNframes({ nframes: 7 }, 100, 25), 8);
  });
  it('fails for a single-frame video with a message a user can act on', () => {
    assert.throws(() => smartNframes({ fps: 4 }, 1, 25), (e: unknown) => e instanceof SamplingError && /1 frame; the model needs at least 2/.test(e.message));
  });
});

describe('planFpsSampling', () => {
  it('plans a 3 s 25 fps 320×240 clip like fetch_video', () => {
    const plan = planFpsSampling(clip(75, 25), { fps: 4 });
    assert.equal(plan.frames, 12);
    assert.deepEqual(plan.frame_indices, [0, 7, 13, 20, 27, 34, 40, 47, 54, 61, 67, 74]);
    assert.deepEqual(plan.frame_times_s.slice(0, 3), [0, 0.28, 0.52]);
    assert.equal(plan.width, 392);
    assert.equal(plan.height, 280);
    assert.equal(plan.sample_fps, 4);
    assert.equal(plan.second_per_grid_t, 0.5);
    assert.equal(plan.max_pixels, 768 * 28 * 28);
  });
  it('shares the total pixel budget across many frames', () => {
    const plan = planFpsSampling(clip(6000, 10, 160, 120), { fps: 4 });
    assert.equal(plan.frames, 768);
    assert.equal(plan.max_pixels, (VIDEO_TOTAL_PIXELS / 768) * 2);
    assert.equal(plan.max_pixels, 235200);
  });
  it('lets a prompt lower max_pixels but not raise it over the budget', () => {
    assert.equal(planFpsSampling(clip(75, 25, 1920, 1080), { max_pixels: 200000 }).max_pixels, 200000);
    assert.equal(planFpsSampling(clip(75, 25, 1920, 1080), { max_pixels: 10_000_000 }).max_pixels, 602112);
  });
  it('uses the real presentation times of a variable-frame-rate video', () => {
    const frameTimes = [...Array.from({ length: 30 }, (_, i) => i / 30), ...Array.from({ length: 10 }, (_, i) => 1 + i / 5)];
    const plan = planFpsSampling({ ...clip(40, 40 / 2.8), frameTimes }, { fps: 4 });
    assert.deepEqual(
      plan.frame_times_s,
      plan.frame_indices.map((i) => Math.round(frameTimes[i]! * 1e6) / 1e6),
    );
    assert.ok(plan.frame_times_s.at(-1)! > 2.7);
  });
  it('reports the sampled fps as the reference does (nframes / total × fps)', () => {
    const plan = planFpsSampling(clip(100, 30), { fps: 2 });
    assert.equal(plan.sample_fps, (6 / 100) * 30);
  });
});

describe('planRewardSampling (Cosmos-Reason1-7B-Reward)', () => {
  it('takes every frame of a short clip and drops the last to make the count even', () => {
    const plan = planRewardSampling(clip(75, 25));
    assert.equal(plan.frames, 74);
    assert.equal(plan.frame_indices[73], 73);
    assert.equal(plan.sample_fps, 25);
    assert.equal(plan.second_per_grid_t, 2 / 25);
    assert.equal(plan.max_pixels, Math.floor((9216 * 28 * 28 * 2) / 74));
    assert.deepEqual([plan.height, plan.width], [252, 308]);
  });
  it('steps by the interval that keeps at most ~160 frames', () => {
    const plan = planRewardSampling(clip(500, 25, 1920, 1080));
    assert.equal(plan.frame_indices[1], 4); // interval (499 // 160) + 1 = 4
    assert.equal(plan.frames, 124); // 125 indices, odd → 124
    assert.equal(plan.sample_fps, 25 / 4);
    assert.deepEqual([plan.height, plan.width], [252, 448]);
  });
  it('planSampling dispatches on the rule', () => {
    assert.equal(planSampling(clip(75, 25), { rule: 'reward' }).rule, 'reward');
    assert.equal(planSampling(clip(75, 25)).rule, 'fps');
  });
});
