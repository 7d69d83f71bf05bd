/** log-softmax of one logit vector. */
export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - logZ;
  return out;
}

/** The `k` most likely token ids with their log-probabilities, most likely first. */
export function topLogprobs(logprobs: Float64Array, k: number): Array<{ id: number; logprob: number }> {
  const best: Array<{ id: number; logprob: number }> = [];
  for (let id = 0; id < logprobs.length; id++) {
    const logprob = logprobs[id]!;
    if (best.length < k) best.push({ id, logprob });
    else if (logprob > best[best.length - 1]!.logprob) best[best.length - 1] = { id, logprob };
    else continue;
    best.sort((a, b) => b.logprob - a.logprob);
  }
  return best;
}
