/** Decoding settings, Hugging Face `generate` semantics. temperature 0 (or doSample false) is greedy. */
export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  seed: number;
}

/** A small, seedable PRNG (mulberry32): the same seed gives the same text. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** HF RepetitionPenaltyLogitsProcessor: every token already in the sequence (prompt included) is made less likely. */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(seen)) {
    if (id < 0 || id >= logits.length) continue;
    const v = logits[id]!;
    logits[id] = v < 0 ? v * penalty : v / penalty;
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function allIndicesSorted(logits: Float32Array): number[] {
  return Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]!);
}

/** The k largest logits' indices, descending, plus any ties with the k-th (HF keeps every logit ≥ the k-th largest). */
export function topKIndices(logits: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (best.length === k && v <= logits[best[k - 1]!]!) continue;
    let j = best.length < k ? best.length : k - 1;
    while (j > 0 && logits[best[j - 1]!]! < v) {
      if (j < k) best[j] = best[j - 1]!;
      j--;
    }
    best[j] = i;
  }
  const kth = logits[best[best.length - 1]!]!;
  for (let i = 0; i < logits.length; i++) if (logits[i] === kth && !best.includes(i)) best.push(i);
  return best;
}

/** Softmax over the candidates of the given indices, in place into a new array. */
function softmaxOf(logits: Float32Array, indices: number[], temperature: number): number[] {
  let max = -Infinity;
  for (const i of indices) max = Math.max(max, logits[i]! / temperature);
  const exps = indices.map((i) => Math.exp(logits[i]! / temperature - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/**
 * Picks the next token: repetition penalty, then temperature → top-k → top-p (the order of HF's warpers), then a draw.
 * `logits` is modified (penalty applied).
 */
export function pickToken(logits: Float32Array, settings: SamplingSettings, history: Iterable<number>, random: () => number): number {
  applyRepetitionPenalty(logits, history, settings.repetitionPenalty);
  if (!(settings.temperature > 0)) return argmax(logits);
  let candidates = settings.topK > 0 && settings.topK < logits.length ? topKIndices(logits, settings.topK) : allIndicesSorted(logits);
  let probs = softmaxOf(logits, candidates, settings.temperature);
  if (settings.topP > 0 && settings.topP < 1) {
    // Keep the smallest prefix (by descending probability) whose mass reaches top_p; always at least one token.
    let cumulative = 0;
    let keep = 0;
    while (keep < candidates.length && (keep === 0 || cumulative < settings.topP)) cumulative += probs[keep++]!;
    candidates = candidates.slice(0, keep);
    probs = softmaxOf(logits, candidates, settings.temperature);
  }
  let r = random();
  for (let i = 0; i < candidates.length; i++) {
    r -= probs[i]!;
    if (r < 0) return candidates[i]!;
  }
  return candidates[candidates.length - 1]!;
}

/** log-softmax of two logits: the reward's renormalised P(Yes), P(No). */
export function twoWayProbabilities(yes: number, no: number): { pYes: number; pNo: number } {
  const m = Math.max(yes, no);
  const ey = Math.exp(yes - m);
  const en = Math.exp(no - m);
  return { pYes: ey / (ey + en), pNo: en / (ey + en) };
}
