import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { clipWorkload, TEN_SECOND_CLIP } from '../../src/engine/model/clipWorkload';
import { LOW_MEMORY_CHUNKING } from '../../src/engine/model/localModel';
import {
  COSMOS_REASON1_7B,
  COSMOS_REASON2_2B,
  COSMOS_REASON2_8B,
  decoderCallBytes,
  kvBytesPerToken,
  localFootprint,
  parameterCounts,
  Q4_BYTES_PER_WEIGHT,
  stepTransfer,
  trialTransferBytes,
  visionCallBytes,
  weightBytes,
} from '../../src/engine/model/memoryEstimate';

const text7b = COSMOS_REASON1_7B.text;

describe('memory estimate: parameters and weights', () => {
  it('counts the 7B decoder layer by layer as its config says', () => {
    // q, o 3584²; k, v 3584 × 512; q/k/v biases; SwiGLU 3 × 3584 × 18944; two RMSNorms; a final norm.
    const layer = 2 * 3584 * 3584 + 2 * 3584 * 512 + (3584 + 1024) + 3 * 3584 * 18944 + 2 * 3584;
    assert.equal(layer, 233_057_792);
    assert.equal(parameterCounts(COSMOS_REASON1_7B).decoderLayers, 28 * layer + 3584);
    assert.equal(parameterCounts(COSMOS_REASON1_7B).lmHead, 152_064 * 3584);
  });

  it('lands on the published sizes: 7B ≈ 8.29 B, Reason2-8B ≈ 8.77 B, Reason2-2B ≈ 2.13 B with its tied head counted once', () => {
    assert.equal(Math.round(parameterCounts(COSMOS_REASON1_7B).total / 1e7), 829);
    assert.equal(Math.round(parameterCounts(COSMOS_REASON2_8B).total / 1e7), 877);
    const twoB = parameterCounts(COSMOS_REASON2_2B);
    assert.equal(Math.round((twoB.total - twoB.lmHead) / 1e7), 213);
  });

  it('sizes fp32 and fp16 at 4 and 2 bytes, q4 as the converter writes it (LM head float32, embeddings float16)', () => {
    const p = parameterCounts(COSMOS_REASON1_7B);
    assert.equal(weightBytes(COSMOS_REASON1_7B, 'fp32'), 4 * p.total);
    assert.equal(weightBytes(COSMOS_REASON1_7B, 'fp16'), 2 * p.total);
    assert.equal(Q4_BYTES_PER_WEIGHT, 0.625);
    assert.equal(weightBytes(COSMOS_REASON1_7B, 'q4'), 0.625 * (p.vision + p.decoderLayers) + 2 * p.embedding + 4 * p.lmHead);
    assert.equal(Math.round(weightBytes(COSMOS_REASON1_7B, 'q4') / 1e8), 78);
  });
});

describe('memory estimate: KV cache and transfers', () => {
  it('holds 112 KiB a token for the 7B in float32 (28 layers × key and value × 4 heads × 128)', () => {
    assert.equal(kvBytesPerToken(text7b), 114_688);
    assert.equal(kvBytesPerToken(text7b, 2), 57_344);
  });

  it('moves the past in and the grown present out on every decode step', () => {
    assert.deepEqual(stepTransfer(text7b, 10_000), { pcieBytes: 114_688 * 20_001, hostCopyBytes: 114_688 * 10_001 });
    // Three tokens after a 10-token prompt: the first comes from the prefill, then steps at contexts 10 and 11.
    assert.equal(trialTransferBytes(text7b, 10, 3), 114_688 * (21 + 23));
    assert.equal(trialTransferBytes(text7b, 10, 1), 0);
  });

  it('sizes a one-call prefill of 10,000 tokens by its attention scores, a 512-token chunk after 9,824 by its cache', () => {
    const kv = 114_688 * 10_000;
    const scores = 2 * 28 * 10_000 * 10_000 * 4;
    const hidden = 4 * 10_000 * 3584 * 4;
    assert.equal(decoderCallBytes(text7b, 0, 10_000), kv + scores + hidden);
    assert.equal(decoderCallBytes(text7b, 0, 10_000), 24_120_320_000);
    // Cache in (9,824) and out (10,336) 2,312,110,080; scores 2 × 28 × 512 × 10,336 × 4 = 1,185,415,168; hidden 29,360,128.
    assert.equal(decoderCallBytes(text7b, 9_824, 512), 3_526_885_376);
  });
});

describe('memory estimate: shipped prompts on a 10 s 1080p clip', () => {
  it('plans critic-detailed as the engine does: 160 frames at 392×252 (band included), 10,080 video tokens', () => {
    const work = clipWorkload(COSMOS_REASON1_7B, loadPrompt('critic-detailed'), TEN_SECOND_CLIP);
    assert.deepEqual(work.plan, { frames: 160, width: 392, height: 252 });
    assert.equal(work.visionGroups, 80);
    assert.equal(work.patchesPerGroup, 18 * 28);
    assert.equal(work.videoTokens, 10_080);
    assert.equal(work.generatedTokens, 4096);
    assert.equal(work.trials, 4);
    assert.ok(work.textTokens > 100 && work.textTokens < 1000, `text tokens ${work.textTokens}`);
  });

  it('plans the reward rule: every second frame (150) at 392×224, 8,400 video tokens, nothing generated', () => {
    const work = clipWorkload(COSMOS_REASON1_7B, loadPrompt('reward'), TEN_SECOND_CLIP);
    assert.deepEqual(work.plan, { frames: 150, width: 392, height: 224 });
    assert.equal(work.videoTokens, 8_400);
    assert.equal(work.generatedTokens, 0);
  });

  it('plans reason2-critic with the Qwen3-VL rules: 40 frames at 832×480, 7,800 video tokens', () => {
    const work = clipWorkload(COSMOS_REASON2_8B, loadPrompt('reason2-critic'), TEN_SECOND_CLIP);
    assert.deepEqual(work.plan, { frames: 40, width: 832, height: 480 });
    assert.equal(work.videoTokens, 7_800);
  });

  it('adds the peaks of the vision and decoder sessions, and --low-memory shrinks both', () => {
    const work = clipWorkload(COSMOS_REASON1_7B, loadPrompt('critic-detailed'), TEN_SECOND_CLIP);
    const one = localFootprint(COSMOS_REASON1_7B, 'fp16', work);
    const low = localFootprint(COSMOS_REASON1_7B, 'fp16', work, LOW_MEMORY_CHUNKING);
    assert.equal(one.total, one.weights + one.vision + one.decoder);
    assert.equal(one.vision, visionCallBytes(COSMOS_REASON1_7B.vision, 80, 504));
    assert.equal(low.vision, visionCallBytes(COSMOS_REASON1_7B.vision, 1, 504));
    assert.ok(low.decoder < one.decoder / 5);
    // The low-memory decoder peak is the last 512-token prefill chunk (cache in and out, its attention scores),
    // just above the last decode step (past and present at the full context).
    assert.equal(work.promptTokens, 10_080 + work.textTokens);
    assert.equal(low.decoder, decoderCallBytes(text7b, work.promptTokens - 512, 512));
    assert.ok(low.decoder > decoderCallBytes(text7b, work.promptTokens + 4095, 1));
    assert.equal(low.kvCache, 114_688 * (work.promptTokens + 4096));
  });
});
