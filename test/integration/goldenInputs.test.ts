import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeFrames, type RgbFrame } from '../../src/engine/media/frameDecoder';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { ropePositions, type TimeRule } from '../../src/engine/model/mropePositions';
import { QWEN25_VL_PREPROCESSING } from '../../src/engine/inputs/modelInputs';
import { videoPatches } from '../../src/engine/vision/videoPatches';
import type { SamplingOptions } from '../../src/shared/video';

/**
 * The model's inputs against the reference pipeline's own outputs (test/fixtures/golden, made by qwen-vl-utils 0.0.11,
 * NVIDIA's reward script and the Hugging Face processor on the committed clips; tolerances from its README).
 */
const GOLDEN = join(__dirname, '..', 'fixtures', 'golden');
const tools = locateFfmpeg();

interface GoldenSet {
  set: string;
  clip: string;
  mode: 'critic_fps16' | 'critic_fps4' | 'reward';
  nframes: number;
  frame_indices: number[];
  resized_height: number;
  resized_width: number;
  sample_fps: number;
  second_per_grid_t_float32: number;
  video_grid_thw: [number, number, number];
  video_tokens: number;
  frames_file: string;
  shape: [number, number, number, number];
}

const sets: GoldenSet[] = readdirSync(join(GOLDEN, 'frames'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(GOLDEN, 'frames', f), 'utf8')) as GoldenSet);

const OPTIONS: Record<GoldenSet['mode'], SamplingOptions> = {
  critic_fps16: { rule: 'fps', fps: 16, total_pixels: 6422528 },
  critic_fps4: { rule: 'fps', fps: 4, total_pixels: 6422528 },
  reward: { rule: 'reward' },
};

const goldenFrames = (s: GoldenSet): Buffer => gunzipSync(readFileSync(join(GOLDEN, s.frames_file)));

describe('golden: sampling plans equal the reference', () => {
  for (const s of sets) {
    it(s.set, async () => {
      const { plan } = await probeVideo(join(GOLDEN, s.clip), tools, OPTIONS[s.mode]);
      assert.equal(plan.frames, s.nframes);
      assert.deepEqual(plan.frame_indices, s.frame_indices);
      assert.equal(plan.height, s.resized_height);
      assert.equal(plan.width, s.resized_width);
      assert.equal(plan.sample_fps, s.sample_fps, 'sample fps as a double');
      assert.equal(Math.fround(plan.second_per_grid_t), s.second_per_grid_t_float32, 'second_per_grid_t in float32');
      const grid = [plan.frames / 2, plan.height / 14, plan.width / 14];
      assert.deepEqual(grid, s.video_grid_thw);
      assert.equal((grid[0]! * grid[1]! * grid[2]!) / 4, s.video_tokens);
    });
  }
});

describe('golden: decoded and resized frames', () => {
  for (const s of sets) {
    const exact = s.mode === 'reward';
    it(`${s.set} (${exact ? 'bit-exact, Pillow' : 'max 1 on ≤ 0.1 %, torchvision'})`, async () => {
      const { plan } = await probeVideo(join(GOLDEN, s.clip), tools, OPTIONS[s.mode]);
      const gold = goldenFrames(s);
      const frameBytes = s.shape[1] * s.shape[2] * 3;
      let max = 0;
      let off = 0;
      let count = 0;
      for await (const frame of decodeFrames(join(GOLDEN, s.clip), plan, tools)) {
        assert.equal(frame.data.length, frameBytes);
        const want = gold.subarray(frame.position * frameBytes, (frame.position + 1) * frameBytes);
        for (let i = 0; i < frameBytes; i++) {
          const d = Math.abs(frame.data[i]! - want[i]!);
          if (d > 0) off++;
          if (d > max) max = d;
        }
        count++;
      }
      assert.equal(count, s.nframes);
      const share = off / (frameBytes * count);
      if (exact) assert.equal(max, 0, `${off} values differ`);
      else {
        assert.ok(max <= 1, `max |Δ| ${max}`);
        assert.ok(share <= 0.001, `${(share * 100).toFixed(4)} % of values differ`);
      }
    });
  }
});

describe('golden: pixel_values from the golden frames', () => {
  for (const name of ['a_testsrc2_320x180_25fps__critic_fps4', 'a_testsrc2_320x180_25fps__reward']) {
    it(name, async () => {
      const s = sets.find((x) => x.set === name)!;
      const meta = JSON.parse(readFileSync(join(GOLDEN, 'pixel_values', `${name}.json`), 'utf8')) as { shape: [number, number]; video_grid_thw: number[] };
      const raw = gunzipSync(readFileSync(join(GOLDEN, 'pixel_values', `${name}.f32le.gz`)));
      const want = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
      const gold = goldenFrames(s);
      const [n, h, w] = s.shape;
      async function* frames(): AsyncGenerator<RgbFrame> {
        for (let i = 0; i < n; i++) yield { position: i, index: i, time_s: 0, width: w, height: h, data: gold.subarray(i * h * w * 3, (i + 1) * h * w * 3) };
      }
      const got = await videoPatches(frames(), n, w, h, QWEN25_VL_PREPROCESSING);
      assert.deepEqual(got.grid, meta.video_grid_thw);
      assert.equal(got.rows, meta.shape[0]);
      assert.equal(got.rowLength, meta.shape[1]);
      let max = 0;
      for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got.pixelValues[i]! - want[i]!));
      assert.ok(max <= 1e-6, `max |Δ| ${max}`);
    });
  }
});

interface MropeCase {
  name: string;
  llm_grid_thw: [number, number, number];
  second_per_grid_t: number;
  seq_len: number;
  layout: { video_pad: [number, number] };
  rules: Record<'float_multiply' | 'int_cast', { position_ids: [number[], number[], number[]]; rope_delta: number }>;
}

describe('golden: M-RoPE positions under both time rules', () => {
  const data = JSON.parse(readFileSync(join(GOLDEN, 'mrope', 'mrope_cases.json'), 'utf8')) as { tokens_per_second: number; cases: MropeCase[] };
  const RULES: [TimeRule, 'float_multiply' | 'int_cast'][] = [['float', 'float_multiply'], ['truncate', 'int_cast']];
  for (const c of data.cases) {
    for (const [rule, key] of RULES) {
      it(`${c.name}: ${rule}`, () => {
        const [t, h, w] = c.llm_grid_thw;
        const got = ropePositions(c.seq_len, { start: c.layout.video_pad[0], t, h, w, secondPerGridT: c.second_per_grid_t, tokensPerSecond: data.tokens_per_second, timeRule: rule });
        const want = c.rules[key];
        for (let plane = 0; plane < 3; plane++) {
          const ours = Array.from(got.positionIds.subarray(plane * c.seq_len, (plane + 1) * c.seq_len), Number);
          assert.deepEqual(ours, want.position_ids[plane], `plane ${plane}`);
        }
        assert.equal(got.nextPosition - c.seq_len, want.rope_delta, 'rope delta');
      });
    }
  }
});
