import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { type TinyModelInfo, writeTinyModel } from '../fixtures/tinyModel/index';
import { effectiveWeights, float16Bits, float16Value, quantizeQ4 } from '../fixtures/tinyModel/lowPrecision';
import { SeededRandom } from '../fixtures/tinyModel/random';
import { referenceLogits } from '../fixtures/tinyModel/referenceDecoder';
import { createTinyWeights } from '../fixtures/tinyModel/weights';

const scratch = mkdtempSync(join(tmpdir(), 'tiny-precisions-'));
let info: TinyModelInfo;
before(async () => {
  info = await writeTinyModel(join(scratch, 'model'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const FILES = { fp32: 'onnx', fp16: 'onnxFp16', q4: 'onnxQ4' } as const;
const KINDS = ['visionEncoder', 'embedTokens', 'decoder'] as const;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('float16 and 4-bit packing', () => {
  it('rounds to the nearest half, ties to even, and reads halves back', () => {
    assert.equal(float16Bits(1), 0x3c00);
    assert.equal(float16Bits(-2), 0xc000);
    assert.equal(float16Bits(65504), 0x7bff);
    assert.equal(float16Bits(1 + 2 ** -11), 0x3c00, 'a tie rounds to the even mantissa');
    assert.equal(float16Bits(1 + 3 * 2 ** -11), 0x3c02);
    assert.equal(float16Value(float16Bits(2 ** -24)), 2 ** -24, 'the smallest subnormal survives');
    assert.equal(float16Value(0x3555), 0.333251953125);
  });

  it('packs column n, block b, element i into byte i/2 of its blob, even i in the low nibble', () => {
    const k = 32;
    const w = new Float32Array(k * 2);
    for (let i = 0; i < k; i++) {
      w[i * 2] = i % 2 ? 7 : -7; // column 0
      w[i * 2 + 1] = 0; // column 1
    }
    const q = quantizeQ4(w, k, 2);
    assert.equal(q.packed.length, 2 * 16);
    assert.equal(q.packed[0], (15 << 4) | 1, 'element 0 (-7 → 1) low, element 1 (7 → 15) high');
    assert.equal(q.packed[16], (8 << 4) | 8, 'column 1 holds zeros (8)');
    assert.deepEqual([...q.scales], [1, 1]);
    assert.equal(q.dequantized[0], -7);
  });
});

describe('tiny model precisions', () => {
  it('fp16 graphs hold half the bytes of fp32, q4 less again', () => {
    for (const kind of KINDS) {
      const fp32 = statSync(info.files.onnx[kind]).size;
      const fp16 = statSync(info.files.onnxFp16[kind]).size;
      const q4 = statSync(info.files.onnxQ4[kind]).size;
      assert.ok(fp16 / fp32 < 0.56 && fp16 / fp32 > 0.45, `${kind}: fp16 ${fp16} vs fp32 ${fp32}`);
      assert.ok(q4 <= fp16, `${kind}: q4 ${q4} vs fp16 ${fp16}`);
    }
    const decoder = readFileSync(info.files.onnxQ4.decoder).toString('latin1');
    assert.ok(decoder.includes('MatMulNBits') && decoder.includes('com.microsoft'), 'the q4 decoder multiplies with MatMulNBits');
    assert.ok(statSync(info.files.onnxQ4.decoder).size < 0.8 * statSync(info.files.onnxFp16.decoder).size);
  });

  for (const precision of ['fp32', 'fp16', 'q4'] as const) {
    it(`the ${precision} decoder computes the reference forward pass with its own weights (CPU)`, async () => {
      const weights = createTinyWeights(info.seed, info.config.vocabSize);
      const hidden = info.config.hiddenSize;
      const seq = 5;
      const embeds = new SeededRandom(11).normals(seq * hidden, 1);
      const positions = [0, 1, 2].map(() => Array.from({ length: seq }, (_, i) => i));
      const session = await ort.InferenceSession.create(info.files[FILES[precision]].decoder, { executionProviders: ['cpu'] });
      const feeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor('float32', embeds, [1, seq, hidden]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(seq).fill(1n), [1, seq]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(positions.flat().map(BigInt)), [3, 1, seq]),
      };
      for (let l = 0; l < info.config.numLayers; l++) {
        for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, info.config.numKvHeads, 0, info.config.headDim]);
      }
      const out = await session.run(feeds);
      await session.release();
      const rows = Array.from({ length: seq }, (_, s) => Array.from(embeds.subarray(s * hidden, (s + 1) * hidden)));
      const own = referenceLogits(effectiveWeights(weights, precision), rows, positions).flatMap((r) => Array.from(r));
      const logits = out.logits!.data as Float32Array;
      assert.ok(maxAbsDiff(logits, own) < 1e-3, `${precision}: max |Δ| to its own weights ${maxAbsDiff(logits, own)}`);
      if (precision !== 'fp32') {
        const exact = referenceLogits(weights, rows, positions).flatMap((r) => Array.from(r));
        // Proof that the weights really are lower precision: the float32 reference is measurably further away.
        assert.ok(maxAbsDiff(logits, exact) > 10 * maxAbsDiff(logits, own), `${precision}: differs from float32 by ${maxAbsDiff(logits, exact)}`);
      }
    });
  }
});
