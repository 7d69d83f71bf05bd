/**
 * What a model needs on a GPU, computed from its config — not measured. Sizes follow this project's ONNX layout
 * (tools/convert_cosmos_reason.py): three graphs (vision encoder, token embeddings, decoder with the LM head), graph
 * inputs and outputs in float32 in every precision (so the KV cache is float32), eager attention in float32.
 */

/** The language model's numbers from config.json (`text_config` for Qwen3-VL). */
export interface TextShape {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  /** Qwen2.5-VL has biases on q, k, v. */
  qkvBias: boolean;
  /** Qwen3 normalises q and k per head (two RMSNorm weights of headDim per layer). */
  qkNorm: boolean;
}

/** The vision encoder's numbers from `vision_config`. */
export interface VisionShape {
  depth: number;
  hidden: number;
  heads: number;
  intermediate: number;
  /** SwiGLU (gate, up, down; Qwen2.5-VL) or a plain two-layer GELU MLP (Qwen3-VL). */
  gatedMlp: boolean;
  patch: number;
  temporalPatch: number;
  merge: number;
  outHidden: number;
  /** Qwen3-VL's deepstack: one more merger per listed layer. */
  extraMergers: number;
  /** Learned position table rows (Qwen3-VL), 0 for none. */
  positionEmbeddings: number;
  /** Patches per attention window (Qwen2.5-VL: 8 × 8 = 64), or null when every block attends over its whole group. */
  windowPatches: number | null;
}

export interface ModelShape {
  id: string;
  label: string;
  text: TextShape;
  vision: VisionShape;
}

/** Cosmos-Reason1-7B and -7B-Reward: Qwen2.5-VL-7B (config.json). */
export const COSMOS_REASON1_7B: ModelShape = {
  id: 'cosmos-reason1-7b',
  label: 'Cosmos-Reason1-7B (Qwen2.5-VL-7B)',
  text: { layers: 28, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128, intermediate: 18944, vocab: 152064, qkvBias: true, qkNorm: false },
  vision: { depth: 32, hidden: 1280, heads: 16, intermediate: 3420, gatedMlp: true, patch: 14, temporalPatch: 2, merge: 2, outHidden: 3584, extraMergers: 0, positionEmbeddings: 0, windowPatches: 64 },
};

/** Cosmos-Reason2-2B: Qwen3-VL-2B (text as Qwen3-1.7B, tied embeddings). */
export const COSMOS_REASON2_2B: ModelShape = {
  id: 'cosmos-reason2-2b',
  label: 'Cosmos-Reason2-2B (Qwen3-VL-2B)',
  text: { layers: 28, hidden: 2048, heads: 16, kvHeads: 8, headDim: 128, intermediate: 6144, vocab: 151936, qkvBias: false, qkNorm: true },
  vision: { depth: 24, hidden: 1024, heads: 16, intermediate: 4096, gatedMlp: false, patch: 16, temporalPatch: 2, merge: 2, outHidden: 2048, extraMergers: 3, positionEmbeddings: 2304, windowPatches: null },
};

/** Cosmos-Reason2-8B: Qwen3-VL-8B. */
export const COSMOS_REASON2_8B: ModelShape = {
  id: 'cosmos-reason2-8b',
  label: 'Cosmos-Reason2-8B (Qwen3-VL-8B)',
  text: { layers: 36, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, intermediate: 12288, vocab: 151936, qkvBias: false, qkNorm: true },
  vision: { depth: 27, hidden: 1152, heads: 16, intermediate: 4304, gatedMlp: false, patch: 16, temporalPatch: 2, merge: 2, outHidden: 4096, extraMergers: 3, positionEmbeddings: 2304, windowPatches: null },
};

export interface ParameterCounts {
  vision: number;
  /** The token embedding table (its own graph). */
  embedding: number;
  decoderLayers: number;
  /** The output projection; in the ONNX layout a copy even when the checkpoint ties it to the embedding. */
  lmHead: number;
  total: number;
}

export function parameterCounts(model: ModelShape): ParameterCounts {
  const t = model.text;
  const q = t.heads * t.headDim;
  const kv = t.kvHeads * t.headDim;
  const attention = t.hidden * q + 2 * t.hidden * kv + q * t.hidden + (t.qkvBias ? q + 2 * kv : 0) + (t.qkNorm ? 2 * t.headDim : 0);
  const mlp = 3 * t.hidden * t.intermediate;
  const decoderLayers = t.layers * (attention + mlp + 2 * t.hidden) + t.hidden;
  const embedding = t.vocab * t.hidden;
  const lmHead = t.vocab * t.hidden;

  const v = model.vision;
  const patchValues = 3 * v.temporalPatch * v.patch * v.patch;
  const block = 3 * v.hidden * v.hidden + 3 * v.hidden + v.hidden * v.hidden + v.hidden + (v.gatedMlp ? 3 : 2) * v.hidden * v.intermediate + (v.gatedMlp ? 2 : 1) * v.intermediate + v.hidden + 4 * v.hidden;
  const merged = v.hidden * v.merge * v.merge;
  const merger = v.hidden * 2 + merged * merged + merged + merged * v.outHidden + v.outHidden;
  const vision = patchValues * v.hidden + v.positionEmbeddings * v.hidden + v.depth * block + (1 + v.extraMergers) * merger;
  return { vision, embedding, decoderLayers, lmHead, total: vision + embedding + decoderLayers + lmHead };
}

export type Precision = 'fp32' | 'fp16' | 'q4';

/** q4 (MatMulNBits, block 32, symmetric): 32 four-bit values and one float32 scale per block. */
export const Q4_BYTES_PER_WEIGHT = (32 / 2 + 4) / 32;

/**
 * Bytes of the three graphs' weights. fp16: every MatMul weight and the embedding table in float16. q4: MatMul weights
 * in 4 bits, the embedding table in float16, the LM head left in float32 (the converter's default: a reward score is a
 * difference of two of its logits). Norms and biases (< 0.1 %) are counted at the weights' width.
 */
export function weightBytes(model: ModelShape, precision: Precision): number {
  const p = parameterCounts(model);
  if (precision === 'fp32') return 4 * p.total;
  if (precision === 'fp16') return 2 * p.total;
  return Q4_BYTES_PER_WEIGHT * (p.vision + p.decoderLayers) + 2 * p.embedding + 4 * p.lmHead;
}

/** Key and value of every layer for one token. */
export function kvBytesPerToken(text: TextShape, bytesPerValue = 4): number {
  return 2 * text.layers * text.kvHeads * text.headDim * bytesPerValue;
}

/** One video job as the model sees it. */
export interface Workload {
  /** Prompt tokens, video included. */
  promptTokens: number;
  videoTokens: number;
  /** Tokens generated per trial (the prompt's max_new_tokens; 0 for a reward score, which only prefills). */
  generatedTokens: number;
  /** Temporal groups of two frames, and patches (before the 2 × 2 merge) in each. */
  visionGroups: number;
  patchesPerGroup: number;
}

/** Pieces of a low-memory run (LocalModel's Chunking): vision groups per call and prompt tokens per decoder call. */
export interface Pieces {
  visionGroups: number;
  prefillTokens: number;
}

export interface Footprint {
  weights: number;
  /** The vision encoder's largest call: its biggest intermediate (attention scores or MLP) plus four hidden copies. */
  vision: number;
  /** The decoder's largest call: the worst prefill chunk or the last decode step, KV cache included. */
  decoder: number;
  /** The KV cache at the end of a trial (prompt + generated), float32. */
  kvCache: number;
  /** weights + vision + decoder: each ONNX session keeps its own arena, so the two peaks add up rather than overlap. */
  total: number;
}

const F32 = 4;

/** Peak bytes of one vision-encoder call over `groups` temporal groups. */
export function visionCallBytes(vision: VisionShape, groups: number, patchesPerGroup: number): number {
  const patches = groups * patchesPerGroup;
  const mlp = patches * vision.intermediate * F32 * (vision.gatedMlp ? 3 : 2);
  // Scores and their softmax are alive together: two [segments, heads, L, L] tensors.
  const full = 2 * groups * vision.heads * patchesPerGroup ** 2 * F32;
  const windowed = vision.windowPatches ? 2 * (patches / vision.windowPatches) * vision.heads * vision.windowPatches ** 2 * F32 : 0;
  return Math.max(mlp, full, windowed) + 4 * patches * vision.hidden * F32;
}

/** Peak bytes of one decoder call over `chunk` new tokens after `past` cached ones (the cache in and out included). */
export function decoderCallBytes(text: TextShape, past: number, chunk: number): number {
  const total = past + chunk;
  const kv = kvBytesPerToken(text);
  const logits = chunk * text.vocab * F32;
  const scores = 2 * text.heads * chunk * total * F32;
  const mlp = 3 * chunk * text.intermediate * F32;
  return kv * past + kv * total + Math.max(logits, scores, mlp) + 4 * chunk * text.hidden * F32;
}

/** GPU memory of one job on the local engine (CUDA execution provider), one call each or in low-memory pieces. */
export function localFootprint(model: ModelShape, precision: Precision, work: Workload, pieces?: Pieces): Footprint {
  const weights = weightBytes(model, precision);
  const vision = visionCallBytes(model.vision, Math.min(pieces?.visionGroups ?? Infinity, work.visionGroups), work.patchesPerGroup);
  const chunk = Math.min(pieces?.prefillTokens ?? Infinity, work.promptTokens);
  const prefill = decoderCallBytes(model.text, work.promptTokens - chunk, chunk);
  const lastStep = work.generatedTokens > 0 ? decoderCallBytes(model.text, work.promptTokens + work.generatedTokens - 1, 1) : 0;
  const decoder = Math.max(prefill, lastStep);
  const kvCache = kvBytesPerToken(model.text) * (work.promptTokens + work.generatedTokens);
  return { weights, vision, decoder, kvCache, total: weights + vision + decoder };
}

/** Effective host↔device bandwidth per direction (about 80 % of an x16 link's 31.5 / 63 GB/s, pinned memory). */
export const PCIE_BYTES_PER_S = { 'PCIe 4.0 x16': 25e9, 'PCIe 5.0 x16': 50e9 } as const;

export interface StepTransfer {
  /** Host → device (the past) plus device → host (the present) for one decode step. */
  pcieBytes: number;
  /** The binding then copies each output into a new JavaScript buffer on the host. */
  hostCopyBytes: number;
}

/** What one decode step moves when the cache lives on the host, at `context` cached tokens. */
export function stepTransfer(text: TextShape, context: number, bytesPerValue = 4): StepTransfer {
  const kv = kvBytesPerToken(text, bytesPerValue);
  return { pcieBytes: kv * context + kv * (context + 1), hostCopyBytes: kv * (context + 1) };
}

/** PCIe bytes of a whole trial: one step per generated token after the first, the context growing by one each step. */
export function trialTransferBytes(text: TextShape, promptTokens: number, generatedTokens: number, bytesPerValue = 4): number {
  let bytes = 0;
  for (let k = 1; k < generatedTokens; k++) bytes += stepTransfer(text, promptTokens + k - 1, bytesPerValue).pcieBytes;
  return bytes;
}

/** Weight bytes a decode step reads (decoder layers and LM head): a step takes at least this over the card's memory bandwidth. */
export function stepWeightBytes(model: ModelShape, precision: Precision): number {
  const p = parameterCounts(model);
  if (precision === 'fp32') return 4 * (p.decoderLayers + p.lmHead);
  if (precision === 'fp16') return 2 * (p.decoderLayers + p.lmHead);
  return Q4_BYTES_PER_WEIGHT * p.decoderLayers + 4 * p.lmHead;
}
