import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { EMBED_IO, VISION_IO, decoderIo } from '../fixtures/tinyModel/contract';
import { type TinyModelInfo, TINY_MODEL_DIR, ensureTinyModel, writeTinyModel } from '../fixtures/tinyModel/index';
import { SeededRandom } from '../fixtures/tinyModel/random';
import { referenceLogits } from '../fixtures/tinyModel/referenceDecoder';
import { createTinyWeights } from '../fixtures/tinyModel/weights';

const scratch = mkdtempSync(join(tmpdir(), 'tiny-model-test-'));
let info: TinyModelInfo;
const sessions = new Map<string, ort.InferenceSession>();

async function session(path: string): Promise<ort.InferenceSession> {
  let s = sessions.get(path);
  if (!s) {
    s = await ort.InferenceSession.create(path);
    sessions.set(path, s);
  }
  return s;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const int64 = (values: readonly number[], dims: readonly number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
const float32 = (values: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', values, dims);

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    )
    .sort();
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

before(async () => {
  info = await writeTinyModel(join(scratch, 'model'));
});

after(async () => {
  for (const s of sessions.values()) await s.release();
  rmSync(scratch, { recursive: true, force: true });
});

describe('tiny model layout', () => {
  it('writes the converted-model files, with fp16 and q4 variants', () => {
    assert.deepEqual(listFiles(info.dir), [
      'config.json',
      'generation_config.json',
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_merged_fp16.onnx',
      'onnx/decoder_model_merged_q4.onnx',
      'onnx/embed_tokens.onnx',
      'onnx/embed_tokens_fp16.onnx',
      'onnx/embed_tokens_q4.onnx',
      'onnx/vision_encoder.onnx',
      'onnx/vision_encoder_fp16.onnx',
      'onnx/vision_encoder_q4.onnx',
      'preprocessor_config.json',
      'tiny-model.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('describes a Qwen2.5-VL model with the tokenizer’s special ids', () => {
    const config = readJson(info.files.config);
    assert.equal(config.model_type, 'qwen2_5_vl');
    assert.deepEqual(config.architectures, ['Qwen2_5_VLForConditionalGeneration']);
    assert.equal(config.hidden_size, 64);
    assert.equal(config.num_attention_heads, 4);
    assert.equal(config.num_key_value_heads, 2);
    assert.deepEqual(config.rope_scaling, { type: 'mrope', mrope_section: [2, 3, 3] });
    assert.equal(config.vocab_size, info.config.vocabSize);
    assert.equal(info.config.vocabSize % 8, 0);
    assert.ok(info.config.vocabSize >= info.config.tokenizerSize);
    assert.equal(config.video_token_id, info.tokens.videoPad);
    assert.equal(config.image_token_id, info.tokens.imagePad);
    assert.equal(config.vision_start_token_id, info.tokens.visionStart);
    assert.equal((config.vision_config as Record<string, unknown>).out_hidden_size, 64);

    const generation = readJson(info.files.generationConfig);
    assert.deepEqual(generation.eos_token_id, [info.tokens.imEnd, info.tokens.endOfText]);
    assert.equal(generation.temperature, 0.6);
    const preprocessor = readJson(info.files.preprocessorConfig);
    assert.equal(preprocessor.image_processor_type, 'Qwen2VLImageProcessor');
    assert.equal(preprocessor.merge_size, 2);
  });

  for (const precision of ['onnx', 'onnxFp16', 'onnxQ4'] as const) {
    it(`loads every ${precision === 'onnx' ? 'float32' : precision === 'onnxFp16' ? 'fp16' : 'q4'} graph with the contract's input and output names`, async () => {
      const graphs = info.files[precision];
      const expected = {
        visionEncoder: VISION_IO,
        embedTokens: EMBED_IO,
        decoder: decoderIo(info.config.numLayers),
      };
      for (const kind of ['visionEncoder', 'embedTokens', 'decoder'] as const) {
        const s = await session(graphs[kind]);
        assert.deepEqual(s.inputNames, [...expected[kind].inputs], kind);
        assert.deepEqual(s.outputNames, [...expected[kind].outputs], kind);
      }
    });
  }
});

describe('tiny vision encoder', () => {
  const grid = [2, 2, 4];
  const numPatches = grid[0]! * grid[1]! * grid[2]!;
  const rowSize = 1176;

  async function encode(pixels: Float32Array): Promise<Float32Array> {
    const s = await session(info.files.onnx.visionEncoder);
    const out = await s.run({ pixel_values: float32(pixels, [numPatches, rowSize]), grid_thw: int64(grid, [1, 3]) });
    assert.deepEqual(out.vision_features!.dims, [numPatches / 4, 64]);
    return out.vision_features!.data as Float32Array;
  }

  it('turns each 4 consecutive patch rows into one 64-wide feature row', async () => {
    const rng = new SeededRandom(7);
    const pixels = rng.normals(numPatches * rowSize, 1);
    const features = await encode(pixels);
    assert.ok(features.every(Number.isFinite));

    const changed = pixels.slice();
    for (let i = 4 * rowSize; i < 8 * rowSize; i++) changed[i] = -changed[i]!;
    const changedFeatures = await encode(changed);
    for (let row = 0; row < numPatches / 4; row++) {
      const diff = maxAbsDiff(features.subarray(row * 64, row * 64 + 64), changedFeatures.subarray(row * 64, row * 64 + 64));
      if (row === 1) assert.ok(diff > 1e-3, 'merge unit 1 reads rows 4–7');
      else assert.equal(diff, 0, `merge unit ${row} ignores rows 4–7`);
    }
  });
});

describe('tiny embed_tokens', () => {
  it('looks up rows of the embedding table', async () => {
    const s = await session(info.files.onnx.embedTokens);
    const ids = [info.tokens.imStart, info.tokens.yes, 0];
    const out = await s.run({ input_ids: int64(ids, [1, 3]) });
    assert.deepEqual(out.inputs_embeds!.dims, [1, 3, 64]);
    const table = createTinyWeights(info.seed, info.config.vocabSize).embedTokens;
    const data = out.inputs_embeds!.data as Float32Array;
    ids.forEach((id, i) => assert.deepEqual(data.subarray(i * 64, i * 64 + 64), table.subarray(id * 64, id * 64 + 64)));
  });
});

describe('tiny decoder', () => {
  const seqLen = 7;
  const hidden = 64;
  // M-RoPE planes (t, h, w) as for two text tokens, a 2×2 vision block, then text again.
  const positions = [
    [0, 1, 2, 2, 2, 2, 4],
    [0, 1, 2, 2, 3, 3, 4],
    [0, 1, 2, 3, 2, 3, 4],
  ];
  const embeds = new SeededRandom(11).normals(seqLen * hidden, 1);

  async function runDecoder(
    from: number,
    to: number,
    past: Record<string, ort.Tensor> | undefined,
    attentionMask: number[],
    inputs: Float32Array = embeds,
  ): Promise<ort.InferenceSession.OnnxValueMapType> {
    const s = await session(info.files.onnx.decoder);
    const n = to - from;
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: float32(inputs.slice(from * hidden, to * hidden), [1, n, hidden]),
      attention_mask: int64(attentionMask, [1, attentionMask.length]),
      position_ids: int64(positions.flatMap((plane) => plane.slice(from, to)), [3, 1, n]),
    };
    for (let layer = 0; layer < info.config.numLayers; layer++) {
      for (const kind of ['key', 'value']) {
        feeds[`past_key_values.${layer}.${kind}`] =
          past?.[`present.${layer}.${kind}`] ?? float32(new Float32Array(0), [1, info.config.numKvHeads, 0, info.config.headDim]);
      }
    }
    return s.run(feeds);
  }

  it('gives the same logits with the KV cache as in one pass', async () => {
    const full = await runDecoder(0, seqLen, undefined, new Array(seqLen).fill(1));
    const vocab = info.config.vocabSize;
    assert.deepEqual(full.logits!.dims, [1, seqLen, vocab]);
    assert.deepEqual(full['present.1.value']!.dims, [1, 2, seqLen, 16]);
    const fullLogits = full.logits!.data as Float32Array;

    let step = await runDecoder(0, 4, undefined, [1, 1, 1, 1]);
    assert.ok(maxAbsDiff(step.logits!.data as Float32Array, fullLogits.subarray(0, 4 * vocab)) < 1e-4, 'prefill');
    for (let t = 4; t < seqLen; t++) {
      const past = step as Record<string, ort.Tensor>;
      step = await runDecoder(t, t + 1, past, new Array(t + 1).fill(1));
      assert.deepEqual(step['present.0.key']!.dims, [1, 2, t + 1, 16]);
      const diff = maxAbsDiff(step.logits!.data as Float32Array, fullLogits.subarray(t * vocab, (t + 1) * vocab));
      assert.ok(diff < 1e-4, `step ${t}: max abs diff ${diff}`);
    }
    const lastKey = full['present.0.key']!.data as Float32Array;
    assert.ok(maxAbsDiff(step['present.0.key']!.data as Float32Array, lastKey) < 1e-4, 'cached keys');
  });

  it('computes what Hugging Face’s Qwen2.5-VL text model computes (M-RoPE, GQA, biases)', async () => {
    const full = await runDecoder(0, seqLen, undefined, new Array(seqLen).fill(1));
    const weights = createTinyWeights(info.seed, info.config.vocabSize);
    const rows = Array.from({ length: seqLen }, (_, s) => Array.from(embeds.subarray(s * hidden, (s + 1) * hidden)));
    const expected = referenceLogits(weights, rows, positions).flatMap((row) => Array.from(row));
    const diff = maxAbsDiff(full.logits!.data as Float32Array, expected);
    assert.ok(diff < 1e-3, `max abs diff ${diff}`);
  });

  it('ignores padded positions (attention_mask 0)', async () => {
    const mask = [0, 1, 1, 1, 1, 1, 1];
    const first = await runDecoder(0, seqLen, undefined, mask);
    const changed = embeds.slice();
    for (let i = 0; i < hidden; i++) changed[i] = changed[i]! * -3;
    const second = await runDecoder(0, seqLen, undefined, mask, changed);
    const vocab = info.config.vocabSize;
    const diff = maxAbsDiff(
      (first.logits!.data as Float32Array).subarray(vocab),
      (second.logits!.data as Float32Array).subarray(vocab),
    );
    assert.ok(diff < 1e-5, `max abs diff ${diff}`);
  });

  it('predicts a peaked but not one-hot next-token distribution', async () => {
    const out = await runDecoder(0, seqLen, undefined, new Array(seqLen).fill(1));
    const vocab = info.config.vocabSize;
    const last = Array.from((out.logits!.data as Float32Array).subarray((seqLen - 1) * vocab));
    const max = Math.max(...last);
    const exp = last.map((x) => Math.exp(x - max));
    const top = 1 / exp.reduce((a, b) => a + b, 0);
    assert.ok(top > 5 / vocab && top < 0.9, `top probability ${top}`);
  });
});

describe('tiny tokenizer and chat template', () => {
  let tokenizer: Tokenizer;
  before(() => {
    tokenizer = new Tokenizer(readJson(info.files.tokenizer), readJson(info.files.tokenizerConfig));
  });

  it('round-trips text', () => {
    for (const text of ['Does the video contain any anomalies or artifacts?', '<think>\nA ball 落ちる über 3 m.</think>\n<answer>No</answer>', '  spaces\tand\n\nlines ']) {
      const { ids } = tokenizer.encode(text, { add_special_tokens: false });
      assert.equal(tokenizer.decode(ids), text);
    }
  });

  it('encodes "Yes" and "No" as one token each', () => {
    assert.deepEqual(tokenizer.encode('Yes', { add_special_tokens: false }).ids, [info.tokens.yes]);
    assert.deepEqual(tokenizer.encode('No', { add_special_tokens: false }).ids, [info.tokens.no]);
    assert.equal(tokenizer.token_to_id('Yes'), info.tokens.yes);
  });

  it('encodes special tokens as their ids', () => {
    const { ids } = tokenizer.encode('<|im_start|>user\n<|vision_start|><|video_pad|><|video_pad|><|vision_end|>Hi<|im_end|><|endoftext|>');
    const t = info.tokens;
    assert.equal(ids[0], t.imStart);
    assert.deepEqual(ids.slice(-2), [t.imEnd, t.endOfText]);
    assert.deepEqual(ids.filter((id) => id >= t.visionStart && id <= t.videoPad), [t.visionStart, t.videoPad, t.videoPad, t.visionEnd]);
    assert.equal(tokenizer.decode(ids, { skip_special_tokens: true }), 'user\nHi');
  });

  it('renders a system + user(video, text) conversation like Qwen2.5-VL', () => {
    const template = new Template(readJson(info.files.tokenizerConfig).chat_template as string);
    const messages = [
      { role: 'system', content: 'Judge physics.' },
      { role: 'user', content: [{ type: 'video', video: 'file:///v.mp4' }, { type: 'text', text: 'Any anomalies?' }] },
    ];
    assert.equal(
      template.render({ messages, add_generation_prompt: true }),
      '<|im_start|>system\nJudge physics.<|im_end|>\n' +
        '<|im_start|>user\n<|vision_start|><|video_pad|><|vision_end|>Any anomalies?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('adds the default system message and renders images', () => {
    const template = new Template(readJson(info.files.tokenizerConfig).chat_template as string);
    const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is it?' }] }];
    assert.equal(
      template.render({ messages, add_generation_prompt: false }),
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is it?<|im_end|>\n',
    );
  });
});

describe('tiny model generation', () => {
  it('is deterministic for a seed and varies the weights with it', async () => {
    const again = await writeTinyModel(join(scratch, 'again'));
    const other = await writeTinyModel(join(scratch, 'other'), { seed: 99 });
    for (const file of listFiles(info.dir)) {
      const original = readFileSync(join(info.dir, file));
      assert.ok(original.equals(readFileSync(join(again.dir, file))), `${file} is reproducible`);
      const sameForAnySeed = file.endsWith('.json') && file !== 'tiny-model.json';
      assert.equal(original.equals(readFileSync(join(other.dir, file))), sameForAnySeed, file);
    }
  });

  it('installs the shared copy once (ensureTinyModel)', async () => {
    const dir = await ensureTinyModel();
    assert.equal(dir, TINY_MODEL_DIR);
    const decoder = join(dir, 'onnx', 'decoder_model_merged.onnx');
    assert.ok(existsSync(decoder));
    const written = statSync(decoder).mtimeMs;
    assert.equal(await ensureTinyModel(), dir);
    assert.equal(statSync(decoder).mtimeMs, written);
    assert.ok(readFileSync(decoder).equals(readFileSync(info.files.onnx.decoder)));
  });
});
