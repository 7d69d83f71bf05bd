import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateVideo, localEngine } from '../../src/engine/evaluate/evaluateVideo';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { LocalModel, type LoadOptions } from '../../src/engine/model/localModel';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { SeededRandom } from '../fixtures/tinyModel/random';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
let modelDir: string;
let scratch: string;
const loaded: LocalModel[] = [];

async function load(options: LoadOptions): Promise<LocalModel> {
  const model = await LocalModel.load(modelDir, { device: 'cpu', ...options });
  loaded.push(model);
  return model;
}

const run = (model: LocalModel, video: string, prompt: ReturnType<typeof parsePromptFile>) =>
  evaluateVideo(localEngine(model, tools, new CacheStore(mkdtempSync(join(scratch, 'cache-')))), video, prompt);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const criticPrompt = parsePromptFile(
  `---\nid: low-memory-critic\nversion: 1\nmode: critic\nvideo: { fps: 4, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 10 }\n---\n## system\nYou are a critic.\n\n## user\nAny anomalies?\n`,
  null,
);

/** The shipped reward prompt's text with small frames, so that a CPU run takes a moment. */
const rewardPrompt = parsePromptFile(
  `---\nid: low-memory-reward\nversion: 1\nmode: reward\nvideo: { fps: 4, max_pixels: 50176 }\ngeneration: { temperature: 0, max_new_tokens: 1 }\n---\n## system\nYou are a helpful video analyzer. Find physical anomalies.\n\n## user\nDoes the video contain any anomalies? Answer Yes or No.\n`,
  null,
);

before(async () => {
  ensureVideoFixtures(['h264Mp4']);
  modelDir = await ensureTinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-low-memory-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('low-memory mode (tiny model, CPU)', () => {
  it('picks the smallest variant in the folder, and a named precision still wins', async () => {
    assert.equal((await load({ lowMemory: true })).folder.precision, 'q4');
    assert.equal((await load({ lowMemory: true, precision: 'fp32' })).folder.precision, 'fp32');
    const dir = mkdtempSync(join(scratch, 'no-q4-'));
    cpSync(modelDir, dir, { recursive: true });
    for (const graph of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) rmSync(join(dir, 'onnx', `${graph}_q4.onnx`));
    const model = await LocalModel.load(dir, { device: 'cpu', lowMemory: true });
    loaded.push(model);
    assert.equal(model.folder.precision, 'fp16');
  });

  it('refuses chunk sizes that are not whole numbers ≥ 1', async () => {
    await assert.rejects(load({ lowMemory: { prefillTokens: 0 } }), /prefillTokens must be a whole number ≥ 1, not 0/);
  });

  it('the vision encoder per temporal group gives the one-call features', async () => {
    const whole = await load({ precision: 'fp32' });
    const chunked = await load({ precision: 'fp32', lowMemory: { visionGroups: 1 } });
    const grid: [number, number, number] = [5, 4, 6];
    const rows = grid[0] * grid[1] * grid[2];
    const pixels = new SeededRandom(3).normals(rows * 1176, 1);
    const before = chunked.stats.visionRuns;
    const a = await whole.encodeVideo(pixels, rows, 1176, grid);
    const b = await chunked.encodeVideo(pixels, rows, 1176, grid);
    assert.equal(chunked.stats.visionRuns - before, 5, 'one call per temporal group');
    assert.equal(a.length, (rows / 4) * 64);
    assert.ok(maxAbsDiff(a, b) < 1e-6, `max |Δ| ${maxAbsDiff(a, b)}`);
    const two = await load({ precision: 'fp32', lowMemory: { visionGroups: 2 } });
    assert.ok(maxAbsDiff(a, await two.encodeVideo(pixels, rows, 1176, grid)) < 1e-6, 'groups of two, the last one short');
  });

  it('the prefill in chunks gives the one-call logits and the same cache', async () => {
    const whole = await load({ precision: 'fp32' });
    const chunked = await load({ precision: 'fp32', lowMemory: { prefillTokens: 7 } });
    const ids = whole.tokenizer.encode('Does the video contain any anomalies? Think about gravity, contact and momentum.');
    const embeds = await whole.embedTokens(ids);
    const positions = ropePositions(ids.length, { start: 3, t: 2, h: 2, w: 3, secondPerGridT: 0.5, tokensPerSecond: 2 }).positionIds;
    const before = chunked.stats.decoderRuns;
    const a = await whole.forward(embeds, ids.length, positions, whole.emptyCache());
    const b = await chunked.forward(embeds, ids.length, positions, chunked.emptyCache());
    assert.equal(chunked.stats.decoderRuns - before, Math.ceil(ids.length / 7));
    assert.equal(b.cache.length, ids.length);
    assert.ok(maxAbsDiff(a.lastLogits, b.lastLogits) < 1e-4, `max |Δlogit| ${maxAbsDiff(a.lastLogits, b.lastLogits)}`);
    for (const name of Object.keys(a.cache.tensors)) {
      assert.deepEqual(b.cache.tensors[name]!.dims, a.cache.tensors[name]!.dims);
      assert.ok(maxAbsDiff(a.cache.tensors[name]!.data as Float32Array, b.cache.tensors[name]!.data as Float32Array) < 1e-4, name);
    }
  });

  it('a whole job in low memory gives the score and critique of the one-call run, and records the precision', async () => {
    const whole = await load({ precision: 'fp32' });
    const chunked = await load({ precision: 'fp32', lowMemory: { visionGroups: 1, prefillTokens: 64 } });
    const before = { ...chunked.stats };
    const [a, b] = [await run(whole, videoPath('h264Mp4'), rewardPrompt), await run(chunked, videoPath('h264Mp4'), rewardPrompt)];
    assert.ok(chunked.stats.visionRuns - before.visionRuns > 1 && chunked.stats.decoderRuns - before.decoderRuns > 1, 'it really ran in pieces');
    assert.ok(Math.abs(a.reward!.score - b.reward!.score) < 1e-5, `${a.reward!.score} vs ${b.reward!.score}`);
    assert.equal(b.model.precision, 'fp32');
    const [c, d] = [await run(whole, videoPath('h264Mp4'), criticPrompt), await run(chunked, videoPath('h264Mp4'), criticPrompt)];
    assert.deepEqual(d.critic!.trials.map((t) => t.raw), c.critic!.trials.map((t) => t.raw));
  });

  for (const precision of ['fp16', 'q4'] as const) {
    it(`runs the ${precision} variant on the CPU: a score near fp32's, recorded as ${precision}`, async () => {
      const fp32 = await run(await load({ precision: 'fp32' }), videoPath('h264Mp4'), rewardPrompt);
      const low = await run(await load({ precision }), videoPath('h264Mp4'), rewardPrompt);
      assert.equal(low.model.precision, precision);
      assert.notEqual(low.reward!.score, fp32.reward!.score, 'other weights, another number');
      assert.ok(Math.abs(low.reward!.score - fp32.reward!.score) < 0.1, `${precision} ${low.reward!.score} vs fp32 ${fp32.reward!.score}`);
    });
  }
});
