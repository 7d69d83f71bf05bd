import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../../src/engine/media/frameDecoder';
import { videoPatches, type VisionPreprocessing } from '../../src/engine/vision/videoPatches';

const CLIP: VisionPreprocessing = {
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  rescale: 1 / 255,
  patchSize: 14,
  temporalPatchSize: 2,
  mergeSize: 2,
};

function frame(position: number, width: number, height: number, seed: number): RgbFrame {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17 + ((i * i) % 251)) & 0xff;
  return { position, index: position, time_s: position, width, height, data };
}

async function* stream(frames: RgbFrame[]) {
  yield* frames;
}

/**
 * The Hugging Face processor's layout written literally: a (T, C, H, W) array reshaped to
 * (gt, tp, C, gh/m, m, p, gw/m, m, p), transposed by (0, 3, 6, 4, 7, 2, 1, 5, 8), flattened to rows.
 */
function referencePatches(frames: RgbFrame[], width: number, height: number, p: VisionPreprocessing): Float32Array {
  const T = frames.length % 2 ? frames.length + 1 : frames.length;
  const at = (t: number, c: number, y: number, x: number) => {
    const f = frames[Math.min(t, frames.length - 1)]!;
    return (f.data[(y * width + x) * 3 + c]! * p.rescale - p.mean[c]!) / p.std[c]!;
  };
  const ps = 14, m = 2, tp = 2;
  const [gt, gh, gw] = [T / tp, height / ps, width / ps];
  const out: number[] = [];
  for (let a = 0; a < gt; a++)
    for (let bh = 0; bh < gh / m; bh++)
      for (let bw = 0; bw < gw / m; bw++)
        for (let mh = 0; mh < m; mh++)
          for (let mw = 0; mw < m; mw++)
            for (let c = 0; c < 3; c++)
              for (let tt = 0; tt < tp; tt++)
                for (let py = 0; py < ps; py++)
                  for (let px = 0; px < ps; px++)
                    out.push(at(a * tp + tt, c, (bh * m + mh) * ps + py, (bw * m + mw) * ps + px));
  return Float32Array.from(out);
}

describe('videoPatches (Qwen2-VL processor layout)', () => {
  it('matches the reference reshape/transpose for a 56×84 video of 4 frames', async () => {
    const frames = [0, 1, 2, 3].map((i) => frame(i, 84, 56, i));
    const got = await videoPatches(stream(frames), 4, 84, 56, CLIP);
    assert.deepEqual(got.grid, [2, 4, 6]);
    assert.equal(got.rows, 48);
    assert.equal(got.rowLength, 1176);
    assert.equal(got.tokens, 12);
    const want = referencePatches(frames, 84, 56, CLIP);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.pixelValues[i]! - want[i]!));
    assert.ok(maxDiff < 1e-5, `max diff ${maxDiff}`);
  });

  it('repeats the last frame when the count is odd', async () => {
    const frames = [0, 1, 2].map((i) => frame(i, 28, 28, i));
    const got = await videoPatches(stream(frames), 3, 28, 28, CLIP);
    assert.deepEqual(got.grid, [2, 2, 2]);
    const want = referencePatches(frames, 28, 28, CLIP);
    assert.ok(want.every((v, i) => Math.abs(v - got.pixelValues[i]!) < 1e-5));
  });

  it('normalises with the model mean and std: mid-grey red channel is (128/255 − mean) / std', async () => {
    const grey = { position: 0, index: 0, time_s: 0, width: 28, height: 28, data: Buffer.alloc(28 * 28 * 3, 128) };
    const got = await videoPatches(stream([grey, { ...grey, position: 1 }]), 2, 28, 28, CLIP);
    assert.ok(Math.abs(got.pixelValues[0]! - (128 / 255 - 0.48145466) / 0.26862954) < 1e-6);
  });
});
