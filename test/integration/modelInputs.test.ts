import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dumpModelInputs, type InputsJson } from '../../src/engine/inputs/modelInputs';
import { execFileSync } from 'node:child_process';
import { decodeFrames } from '../../src/engine/media/frameDecoder';
import { frameThumbnails } from '../../src/engine/media/frameThumbnails';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { probeVideo } from '../../src/engine/media/probeVideo';
import { frameSizeWithin, TIMESTAMP_BAND_HEIGHT } from '../../src/engine/media/samplingPlan';
import { openModelFolder } from '../../src/engine/model/modelFolder';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';

const GOLDEN_CLIPS = join(__dirname, '..', 'fixtures', 'golden', 'clips');
const BARS = join(GOLDEN_CLIPS, 'b_bars_1280x720_25fps.mp4');
const SMALL = join(GOLDEN_CLIPS, 'a_testsrc2_320x180_25fps.mp4');
const tools = locateFfmpeg();
let scratch: string;
let modelDir: string;

const prompt = (video: string, mode = 'critic') =>
  parsePromptFile(`---\nid: inputs-test\nversion: 1\nmode: ${mode}\nvideo: ${video}\n---\n## system\nYou judge videos.\n\n## user\nDoes the video contain any anomalies?\n`, null);

/** A copy of the tiny model folder with extra files written into it. */
function modelWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(scratch, 'model-'));
  cpSync(modelDir, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(content));
  return dir;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-inputs-'));
  modelDir = await ensureTinyModel();
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('timestamp overlay', () => {
  it('draws each frame time on a 28-row black band under the unchanged frame, alternating halves', async () => {
    const plain = await probeVideo(BARS, tools, { fps: 4 });
    const overlay = await probeVideo(BARS, tools, { fps: 4, timestamps: 'overlay' });
    const { plan } = overlay;
    assert.equal(plan.band_height, TIMESTAMP_BAND_HEIGHT);
    assert.equal(plan.height, plan.resized_height + 28);
    assert.ok(plan.width * plan.height <= plan.max_pixels, 'frame and band within the pixel budget');
    assert.equal(plan.height % 28, 0);
    const without: Buffer[] = [];
    for await (const f of decodeFrames(BARS, plain.plan, tools)) without.push(Buffer.from(f.data));
    let position = 0;
    for await (const f of decodeFrames(BARS, plan, tools)) {
      const w = plan.width;
      const top = f.data.subarray(0, w * plan.resized_height * 3);
      if (plain.plan.height === plan.resized_height) assert.ok(top.equals(without[position]!), 'the picture above the band is the frame without overlay');
      let left = 0;
      let right = 0;
      for (let y = plan.resized_height; y < plan.height; y++) {
        for (let x = 0; x < w; x++) {
          const v = f.data[(y * w + x) * 3]!;
          assert.equal(f.data[(y * w + x) * 3 + 1], v, 'the band is grey');
          if (v > 128) x < w / 2 ? left++ : right++;
        }
      }
      const [on, off] = position % 2 === 0 ? [left, right] : [right, left];
      assert.ok(on > 50, `frame ${position}: text in its half (${on} bright pixels)`);
      assert.equal(off, 0, `frame ${position}: nothing in the other half`);
      position++;
    }
    assert.equal(position, plan.frames);
  });

  it('shrinks the frame when frame + band would exceed the budget', () => {
    const budget = 580_000;
    const plain = frameSizeWithin({ width: 1280, height: 720 }, 100352, budget, 0);
    assert.deepEqual(plain, { width: 1008, height: 560 });
    const banded = frameSizeWithin({ width: 1280, height: 720 }, 100352, budget, 28);
    assert.ok((banded.height + 28) * banded.width <= budget, `${banded.width}x${banded.height}+28`);
    assert.equal(banded.width % 28, 0);
    assert.equal(banded.height % 28, 0);
    assert.ok(banded.width * banded.height < budget);
  });
});

describe('frame strip with the overlay', () => {
  it('thumbnails gain the band the model saw, scaled', async () => {
    const times = { frame_indices: [0, 7], frame_times_s: [0, 0.28] };
    const plain = await frameThumbnails(BARS, times, tools, join(scratch, 'thumbs'));
    const banded = await frameThumbnails(BARS, times, tools, join(scratch, 'thumbs'), undefined, { frameWidth: 1008, bandHeight: 28 });
    const dims = (file: string) => {
      const out = execFileSync(tools.ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]).toString().trim();
      return out.split(',').map(Number);
    };
    const [pw, ph] = dims(plain.thumbnails[0]!.path);
    const [bw, bh] = dims(banded.thumbnails[0]!.path);
    assert.equal(bw, pw);
    assert.ok(bh! > ph! + 2, `band added: ${ph} → ${bh}`);
    assert.notEqual(banded.thumbnails[0]!.path, plain.thumbnails[0]!.path, 'cached apart from the plain strip');
  });
});

describe('checkpoint processor settings', () => {
  it('video_preprocessor_config.json bounds resize the reward frames again, as the processor does', async () => {
    const dir = modelWith({ 'video_preprocessor_config.json': { min_pixels: 100352, max_pixels: 602112 } });
    const folder = openModelFolder(dir);
    assert.deepEqual(folder.config.processorPixels, { min_pixels: 100352, max_pixels: 602112 });
    const { plan } = await probeVideo(SMALL, tools, { rule: 'reward', processor: folder.config.processorPixels });
    assert.deepEqual([plan.resized_width, plan.resized_height], [308, 168], 'the reward rule first');
    assert.deepEqual([plan.width, plan.height], [448, 252], 'then the processor upscales to its minimum');
    let n = 0;
    for await (const f of decodeFrames(SMALL, plan, tools)) {
      assert.equal(f.data.length, 448 * 252 * 3);
      n++;
    }
    assert.equal(n, plan.frames);
  });

  it('reads size.shortest_edge / longest_edge, and leaves sizes inside the bounds alone', async () => {
    const dir = modelWith({ 'preprocessor_config.json': { ...JSON.parse(readFileSync(join(modelDir, 'preprocessor_config.json'), 'utf8')), min_pixels: undefined, max_pixels: undefined, size: { shortest_edge: 3136, longest_edge: 12845056 } } });
    const folder = openModelFolder(dir);
    assert.deepEqual(folder.config.processorPixels, { min_pixels: 3136, max_pixels: 12845056 });
    const { plan } = await probeVideo(SMALL, tools, { rule: 'reward', processor: folder.config.processorPixels });
    assert.deepEqual([plan.width, plan.height], [308, 168]);
  });

  it('a processor file with bounds the wrong way round names the file', () => {
    const dir = modelWith({ 'video_preprocessor_config.json': { min_pixels: 900, max_pixels: 100 } });
    assert.throws(() => openModelFolder(dir), /video_preprocessor_config\.json: min_pixels\/max_pixels/);
  });
});

describe('inputs --dump', () => {
  it('writes the frames, pixel values, tokens and positions the model receives', async () => {
    const out = join(scratch, 'dump');
    const folder = openModelFolder(modelDir, 'fp32', false);
    const p = prompt('{ fps: 4, max_pixels: 50176 }');
    const inputs = await dumpModelInputs(SMALL, p, tools, out, { folder });
    const saved = JSON.parse(readFileSync(join(out, 'inputs.json'), 'utf8')) as InputsJson;
    assert.deepEqual(saved.frame_indices, inputs.frame_indices);
    const frames = readFileSync(join(out, 'frames.rgb'));
    const [n, h, w] = saved.files['frames.rgb'].shape;
    assert.equal(frames.length, n * h * w * 3);
    let i = 0;
    for await (const f of decodeFrames(SMALL, saved.plan, tools)) assert.ok(frames.subarray(i * f.data.length, ++i * f.data.length).equals(f.data), `frame ${i}`);
    assert.equal(readFileSync(join(out, 'pixel_values.f32')).length, saved.files['pixel_values.f32'].shape[0] * 1176 * 4);
    const m = saved.model!;
    assert.ok(m.chat_text.includes('Does the video contain any anomalies?'));
    const [t, gh, gw] = saved.video_grid_thw;
    assert.equal(m.input_ids.filter((id) => id === folder.config.videoTokenId).length, (t * gh * gw) / 4);
    const L = m.input_ids.length;
    const rope = ropePositions(L, { start: m.video_start, t, h: gh / 2, w: gw / 2, secondPerGridT: saved.second_per_grid_t, tokensPerSecond: folder.config.tokensPerSecond });
    assert.deepEqual(m.position_ids[0], Array.from(rope.positionIds.subarray(0, L), Number));
    assert.equal(saved.time_rule, 'float');
  });

  it('follows the model folder time rule (cosmos_critic.json) and the override', async () => {
    const dir = modelWith({ 'cosmos_critic.json': { time_rule: 'truncate', time_rule_reason: 'fine-tuned with transformers 4.57' } });
    const folder = openModelFolder(dir, 'fp32', false);
    const p = prompt('{ fps: 4, max_pixels: 50176 }');
    const truncated = await dumpModelInputs(SMALL, p, tools, join(scratch, 'trunc'), { folder });
    assert.equal(truncated.time_rule, 'truncate');
    assert.equal(truncated.time_rule_reason, 'fine-tuned with transformers 4.57');
    const m = truncated.model!;
    const videoT = m.position_ids[0].slice(m.video_start, m.video_start + m.video_tokens);
    assert.ok(videoT.every((v) => v === m.video_start), 'truncate: every temporal position is the video start at 4 fps');
    const float = await dumpModelInputs(SMALL, p, tools, join(scratch, 'float'), { folder, timeRule: 'float' });
    const floatT = float.model!.position_ids[0].slice(m.video_start, m.video_start + m.video_tokens);
    assert.ok(new Set(floatT).size > 1, 'float: time advances');
    assert.throws(() => openModelFolder(modelWith({ 'cosmos_critic.json': { time_rule: 'round' } })), /"time_rule" must be float or truncate/);
  });
});
