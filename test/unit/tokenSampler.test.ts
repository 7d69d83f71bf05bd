import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyRepetitionPenalty, pickToken, seededRandom, topKIndices, twoWayProbabilities } from '../../src/engine/model/tokenSampler';

describe('token sampling', () => {
  it('is greedy at temperature 0', () => {
    const logits = Float32Array.from([0.1, 2, 1.9, -1]);
    assert.equal(pickToken(logits, { temperature: 0, topK: 50, topP: 0.95, repetitionPenalty: 1, seed: 1 }, [], seededRandom(1)), 1);
  });
  it('penalises repeated tokens like HF (divide positives, multiply negatives)', () => {
    const logits = Float32Array.from([2, -2, 1]);
    applyRepetitionPenalty(logits, [0, 1, 0], 2);
    assert.deepEqual(Array.from(logits), [1, -4, 1]);
  });
  it('top-k keeps the k best (with ties) and top-k 1 is greedy', () => {
    assert.deepEqual(topKIndices(Float32Array.from([1, 5, 3, 5, 0]), 2), [1, 3]);
    assert.deepEqual(topKIndices(Float32Array.from([1, 5, 3, 4, 0]), 3), [1, 3, 2]);
    const logits = Float32Array.from([0, 3, 1]);
    for (let seed = 0; seed < 20; seed++) {
      assert.equal(pickToken(logits.slice(), { temperature: 1, topK: 1, topP: 1, repetitionPenalty: 1, seed }, [], seededRandom(seed)), 1);
    }
  });
  it('top-p keeps the smallest set reaching the mass', () => {
    // probabilities ≈ 0.665, 0.245, 0.09: top_p 0.6 keeps only the first token.
    const logits = Float32Array.from([2, 1, 0]);
    const random = seededRandom(7);
    for (let i = 0; i < 50; i++) assert.equal(pickToken(logits.slice(), { temperature: 1, topK: 0, topP: 0.6, repetitionPenalty: 1, seed: 7 }, [], random), 0);
  });
  it('draws according to the distribution (seeded, reproducible)', () => {
    const logits = Float32Array.from([Math.log(0.7), Math.log(0.3)]);
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2000 }, () => pickToken(logits.slice(), { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1, seed }, [], random));
    };
    const a = draw(3);
    assert.deepEqual(a, draw(3));
    const share = a.filter((t) => t === 0).length / a.length;
    assert.ok(Math.abs(share - 0.7) < 0.04, `share ${share}`);
  });
  it('renormalises the reward over Yes/No', () => {
    const { pYes, pNo } = twoWayProbabilities(1, 3);
    assert.ok(Math.abs(pYes + pNo - 1) < 1e-12);
    assert.ok(Math.abs(pNo - 1 / (1 + Math.exp(-2))) < 1e-12);
  });
});
