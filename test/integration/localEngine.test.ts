import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateVideo, localEngine, type LocalEngine } from '../../src/engine/evaluate/evaluateVideo';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { locateFfmpeg } from '../../src/engine/media/ffmpegTools';
import { generateText } from '../../src/engine/model/generateText';
import { LocalModel } from '../../src/engine/model/localModel';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { CacheStore } from '../../src/engine/store/cacheStore';
import { parsePromptFile } from '../../src/promptfile/promptFile';
import { ensureTinyModel } from '../fixtures/tinyModel/index';
import { ensureVideoFixtures, videoPath } from '../fixtures/videos';

const tools = locateFfmpeg();
let modelDir: string;
let model: LocalModel;
let scratch: string;

function freshEngine(): LocalEngine {
  return localEngine(model, tools, new CacheStore(mkdtempSync(join(scratch, 'cache-'))));
}

/** A short critic prompt (small frames, few tokens) with the given user text. */
function criticPrompt(user: string, extra = ''): ReturnType<typeof parsePromptFile> {
  return parsePromptFile(
    `---\nid: test-critic\nversion: 1\nmode: critic\nvideo: { fps: 2, max_pixels: 50176 }\ngeneration: { temperature: 0.8, top_k: 20, top_p: 0.95, repetition_penalty: 1.05, max_new_tokens: 12 }\n${extra}---\n## system\nYou are a critic.\n\n## user\n${user}\n`,
    null,
  );
}

before(async () => {
  ensureVideoFixtures(['h264Mp4', 'short', 'vp9Webm']);
  modelDir = await ensureTinyModel();
  model = await LocalModel.load(modelDir, { device: 'cpu' });
  scratch = mkdtempSync(join(tmpdir(), 'cosmos-critic-engine-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('local model on the tiny test model (CPU)', () => {
  it('reports the execution provider it really uses', () => {
    assert.equal(model.device, 'cpu');
  });

  it('decoding with the KV cache gives the logits of recomputing the whole sequence', async () => {
    const ids = model.tokenizer.encode('Does the video contain any anomalies?');
    const all = await model.embedTokens(ids);
    const hidden = model.config.hiddenSize;
    const full = await model.forward(all, ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
    const split = ids.length - 3;
    let step = await model.forward(all.slice(0, split * hidden), split, ropePositions(split).positionIds, model.emptyCache());
    for (let i = split; i < ids.length; i++) {
      step = await model.forward(all.slice(i * hidden, (i + 1) * hidden), 1, BigInt64Array.from([i, i, i].map(BigInt)), step.cache);
    }
    assert.equal(step.cache.length, ids.length);
    let maxDiff = 0;
    for (let i = 0; i < full.lastLogits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(full.lastLogits[i]! - step.lastLogits[i]!));
    assert.ok(maxDiff < 1e-4, `max |Δlogit| ${maxDiff}`);
  });

  it('same seed → same text; another seed → other text', async () => {
    const ids = model.tokenizer.encode('Describe the video.');
    const embeds = await model.embedTokens(ids);
    const first = await model.forward(embeds, ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
    const prefill = { lastLogits: first.lastLogits, cache: first.cache, nextPosition: ids.length, promptIds: ids };
    const run = (seed: number) =>
      generateText(model, prefill, { settings: { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed }, maxNewTokens: 16, stopTokenIds: [] });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    assert.deepEqual(a.tokenIds, b.tokenIds);
    assert.equal(a.tokenIds.length, 16);
    assert.notDeepEqual(a.tokenIds, c.tokenIds);
  });

  it('greedy decoding picks the argmax each step and stops at a stop token', async () => {
    const ids = model.tokenizer.encode('Yes or No?');
    const embeds = await model.embedTokens(ids);
    const first = await model.forward(embeds, ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
    const prefill = { lastLogits: first.lastLogits, cache: first.cache, nextPosition: ids.length, promptIds: ids };
    const greedy = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, seed: 0 };
    const free = await generateText(model, prefill, { settings: greedy, maxNewTokens: 5, stopTokenIds: [] });
    const stopped = await generateText(model, prefill, { settings: greedy, maxNewTokens: 5, stopTokenIds: [free.tokenIds[2]!] });
    assert.deepEqual(stopped.tokenIds, free.tokenIds.slice(0, free.tokenIds.indexOf(free.tokenIds[2]!)));
    assert.equal(stopped.finish, 'stop');
  });
});

describe('reward and critic on a video', () => {
  it('scores a video: P(Yes) + P(No) = 1, score = P(No), band and anomaly agree', async () => {
    const engine = freshEngine();
    const result = await evaluateVideo(engine, videoPath('h264Mp4'), loadPrompt('reward'));
    const r = result.reward!;
    assert.ok(Math.abs(r.p_yes + r.p_no - 1) < 1e-9);
    assert.equal(r.score, r.p_no);
    assert.equal(r.anomaly, r.p_yes > r.p_no ? 'Yes' : 'No');
    assert.equal(r.band, r.score >= 0.7 ? 'high' : r.score >= 0.3 ? 'medium' : 'low');
    assert.equal(result.schema, 'cosmos-critic/result@1');
    assert.equal(result.model.device, 'cpu');
    assert.equal(result.model.backend, 'onnx');
    assert.equal(result.sampling.rule, 'reward');
    assert.equal(result.sampling.frames, 74);
    assert.equal(result.prompt.id, 'reward');
    assert.match(result.video.sha256, /^[0-9a-f]{64}$/);
    assert.equal(model.tokenizer.decode([model.tokenizer.singleTokenId('Yes')]), 'Yes');
  });

  it('critiques with N trials, keeps every trial, and scores the fraction of "No" answers', async () => {
    const engine = freshEngine();
    const streamed: string[] = ['', '', ''];
    const result = await evaluateVideo(engine, videoPath('short'), criticPrompt('Any anomalies?'), { trials: 3, onText: (trial, delta) => (streamed[trial] += delta) });
    const critic = result.critic!;
    assert.equal(critic.trials.length, 3);
    critic.trials.forEach((t, i) => assert.equal(t.raw, streamed[i]));
    const parsed = critic.trials.filter((t) => t.parse !== 'failed');
    // No parsed trial: no score (null, never 0) and the result says it is unparsed.
    assert.equal(critic.score, parsed.length ? parsed.filter((t) => t.answer === 'No').length / parsed.length : null);
    assert.equal(result.status, parsed.length ? 'ok' : 'unparsed');
    assert.ok(result.generation!.tokens > 0 && result.generation!.tokens <= 36);
  });

  it('a re-run after a prompt edit decodes no video and runs no vision encoder; an unchanged re-run runs nothing', async () => {
    const engine = freshEngine();
    const before = { ...model.stats };
    await evaluateVideo(engine, videoPath('vp9Webm'), criticPrompt('Any anomalies?'));
    assert.equal(engine.counters.videoDecodes, 1);
    assert.equal(model.stats.visionRuns - before.visionRuns, 1);

    const edited = await evaluateVideo(engine, videoPath('vp9Webm'), criticPrompt('Any anomalies or artifacts? Think about gravity.'));
    assert.equal(engine.counters.videoDecodes, 1, 'no second decode');
    assert.equal(model.stats.visionRuns - before.visionRuns, 1, 'no second vision encoding');
    assert.deepEqual(edited.cache, { result: false, vision_features: true });
    const decoderRunsAfterEdit = model.stats.decoderRuns;

    const again = await evaluateVideo(engine, videoPath('vp9Webm'), criticPrompt('Any anomalies or artifacts? Think about gravity.'));
    assert.equal(model.stats.decoderRuns, decoderRunsAfterEdit, 'an unchanged job is served from the result cache');
    assert.deepEqual(again.cache, { result: true, vision_features: true });
    assert.deepEqual(again.critic, edited.critic);
  });

  it('cancellation mid-generation stops within one decoder step', async () => {
    const engine = freshEngine();
    const controller = new AbortController();
    let tokensSeen = 0;
    let runsAtAbort = 0;
    await assert.rejects(
      evaluateVideo(engine, videoPath('short'), criticPrompt('Go on.', ''), {
        maxNewTokens: 200,
        signal: controller.signal,
        onText: (_trial, _delta) => {
          if (++tokensSeen === 3) {
            runsAtAbort = model.stats.decoderRuns;
            controller.abort();
          }
        },
      }),
      /abort/i,
    );
    assert.ok(model.stats.decoderRuns - runsAtAbort <= 1, `ran ${model.stats.decoderRuns - runsAtAbort} more decoder steps`);
  });
});

describe('model folder errors name the file', () => {
  const copyModel = () => {
    const dir = mkdtempSync(join(scratch, 'model-'));
    cpSync(modelDir, dir, { recursive: true });
    return dir;
  };

  it('missing tokenizer.json', async () => {
    const dir = copyModel();
    rmSync(join(dir, 'tokenizer.json'));
    await assert.rejects(LocalModel.load(dir, { device: 'cpu' }), new RegExp(`${join(dir, 'tokenizer.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is missing`));
  });

  it('truncated decoder graph', async () => {
    const dir = copyModel();
    truncateSync(join(dir, 'onnx', 'decoder_model_merged.onnx'), 1000);
    await assert.rejects(LocalModel.load(dir, { device: 'cpu' }), /decoder_model_merged\.onnx cannot be loaded by onnxruntime .*re-copy or re-convert/);
  });

  it('a precision variant that is not there, naming the ones that are', async () => {
    const dir = copyModel();
    for (const graph of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) rmSync(join(dir, 'onnx', `${graph}_q4.onnx`));
    await assert.rejects(LocalModel.load(dir, { device: 'cpu', precision: 'q4' }), /_q4\.onnx is missing \(precision q4\)\. This folder has the fp32, fp16 variants/);
  });

  it('config.json that does not match the graphs', async () => {
    const dir = copyModel();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 3 }));
    await assert.rejects(LocalModel.load(dir, { device: 'cpu' }), /decoder_model_merged\.onnx does not match config\.json \(missing input past_key_values\.2\.key/);
  });

  it('CUDA asked for where it cannot load says how to install it', async () => {
    await assert.rejects(LocalModel.load(modelDir, { device: 'cuda' }), /CUDA was requested .*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });
});

describe('prompt sequence as the Hugging Face processor builds it', () => {
  it('renders the chat template, expands the video into one pad per feature and merges the features', async () => {
    const { buildPromptSequence } = await import('../../src/engine/model/promptSequence');
    const hidden = model.config.hiddenSize;
    const grid: [number, number, number] = [2, 4, 6]; // 2 temporal steps × (2×3 merged) = 12 video tokens
    const features = Float32Array.from({ length: 12 * hidden }, (_, i) => i / 1000);
    const seq = await buildPromptSequence(model, 'You are a critic.', 'Any anomalies?', { features, grid, secondPerGridT: 0.5 });
    const text = model.tokenizer.decode(seq.ids, false);
    assert.equal(
      text,
      '<|im_start|>system\nYou are a critic.<|im_end|>\n<|im_start|>user\n<|vision_start|>' + '<|video_pad|>'.repeat(12) + '<|vision_end|>Any anomalies?<|im_end|>\n<|im_start|>assistant\n',
    );
    assert.equal(seq.videoTokens, 12);
    assert.equal(seq.ids[seq.videoStart - 1], model.config.visionStartTokenId);
    assert.deepEqual(Array.from(seq.embeds.slice(seq.videoStart * hidden, (seq.videoStart + 12) * hidden)), Array.from(features));
    // Text embeddings around the video are the token embeddings themselves.
    const own = await model.embedTokens([seq.ids[0]!]);
    assert.deepEqual(Array.from(seq.embeds.slice(0, hidden)), Array.from(own));
    // The first text token after the video resumes at the largest video position + 1.
    const after = seq.videoStart + 12;
    assert.equal(Number(seq.positions.positionIds[after]), seq.videoStart + 3);
  });
});
