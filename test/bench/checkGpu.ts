// `npm run check:gpu [-- --cuda-device N] [--model DIR]`: on a machine with an NVIDIA GPU, runs the engine on CUDA
// and on the CPU side by side (the tiny test model in every precision, or a converted model) and prints how far apart
// the logits are and how fast each decodes; then tries keeping the KV cache on the GPU between steps
// (onnxruntime-node's preferredOutputLocation "gpu-buffer") and says whether that works and what it saves.
import * as ort from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { generateText } from '../../src/engine/model/generateText';
import { LocalModel } from '../../src/engine/model/localModel';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { PRECISIONS, type Precision } from '../../src/engine/model/modelFolder';
import { ensureTinyModel } from '../fixtures/tinyModel/index';

const { values } = parseArgs({ options: { 'cuda-device': { type: 'string' }, model: { type: 'string' }, tokens: { type: 'string' }, 'cpu-only': { type: 'boolean' } } });
/** --cpu-only runs the "GPU" side on the CPU too: a check of this script itself on a machine without a GPU. */
const cpuOnly = values['cpu-only'] ?? false;
const deviceId = Number(values['cuda-device'] ?? 0);
const newTokens = Number(values.tokens ?? 64);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function decodeRun(model: LocalModel, promptLength: number) {
  const ids = Array.from({ length: promptLength }, (_, i) => (i * 7919) % Math.min(model.config.vocabSize, 300));
  const embeds = await model.embedTokens(ids);
  const first = await model.forward(embeds, ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
  const started = performance.now();
  const out = await generateText(model, { lastLogits: first.lastLogits, cache: first.cache, nextPosition: ids.length, promptIds: ids }, {
    settings: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, seed: 1 },
    maxNewTokens: newTokens,
    stopTokenIds: [],
  });
  return { logits: first.lastLogits, tokens: out.tokenIds, tokensPerSecond: (out.tokenIds.length * 1000) / (performance.now() - started) };
}

/** Prefill and decode with the decoder's present.* kept on the GPU and fed back as the next past_key_values.*. */
async function deviceResidentKv(model: LocalModel, promptLength: number) {
  const path = model.folder.graphs.decoder_model_merged;
  const presentNames = Array.from({ length: model.config.numLayers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
  const session = await ort.InferenceSession.create(
    path,
    cpuOnly
      ? { executionProviders: ['cpu'] }
      : { executionProviders: [{ name: 'cuda', deviceId }], preferredOutputLocation: Object.fromEntries(presentNames.map((n) => [n, 'gpu-buffer' as const])) },
  );
  const ids = Array.from({ length: promptLength }, (_, i) => (i * 7919) % Math.min(model.config.vocabSize, 300));
  let cache: Record<string, ort.Tensor> = model.emptyCache().tensors;
  let embeds = await model.embedTokens(ids);
  let positions = ropePositions(ids.length).positionIds;
  let seq = ids.length;
  let total = 0;
  let prefillLogits: Float32Array | undefined;
  const tokens: number[] = [];
  let started = performance.now();
  // As generateText: a token from the prefill's logits, then one decoder step per further token.
  while (true) {
    total += seq;
    const out = await session.run({
      inputs_embeds: new ort.Tensor('float32', embeds, [1, seq, model.config.hiddenSize]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', positions, [3, 1, seq]),
      ...cache,
    });
    const vocab = out.logits!.dims[2]!;
    const logits = (out.logits!.data as Float32Array).slice((seq - 1) * vocab, seq * vocab);
    if (!prefillLogits) {
      prefillLogits = logits;
      started = performance.now();
    }
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    tokens.push(best);
    const next: Record<string, ort.Tensor> = {};
    for (const name of presentNames) next[name.replace('present', 'past_key_values')] = out[name]!;
    for (const old of Object.values(cache)) if (old.location === 'gpu-buffer') old.dispose();
    cache = next;
    if (tokens.length >= newTokens) break;
    embeds = await model.embedTokens([best]);
    positions = BigInt64Array.from([total, total, total].map(BigInt));
    seq = 1;
  }
  const location = Object.values(cache)[0]!.location;
  await session.release();
  return { location, tokens, tokensPerSecond: (tokens.length * 1000) / (performance.now() - started), prefillLogits: prefillLogits! };
}

async function main(): Promise<number> {
  const dir = values.model ?? (await ensureTinyModel());
  const precisions: Precision[] = values.model ? PRECISIONS.filter((p) => p !== 'fp32') : [...PRECISIONS];
  const promptLength = values.model ? 1024 : 256;
  const report: Record<string, unknown> = { model: dir, cuda_device: deviceId, prompt_tokens: promptLength, new_tokens: newTokens };
  for (const precision of precisions) {
    const row: Record<string, unknown> = {};
    report[precision] = row;
    let cuda: LocalModel;
    try {
      cuda = await LocalModel.load(dir, { device: cpuOnly ? 'cpu' : 'cuda', cudaDeviceId: deviceId, precision });
    } catch (err) {
      process.stderr.write(`check:gpu: ${(err as Error).message}\n`);
      return 1;
    }
    const cpu = await LocalModel.load(dir, { device: 'cpu', precision });
    const [onCpu, onCuda] = [await decodeRun(cpu, promptLength), await decodeRun(cuda, promptLength)];
    row.device = cuda.device;
    row.max_abs_logit_diff = +maxAbsDiff(onCpu.logits, onCuda.logits).toExponential(3);
    row.greedy_tokens_equal = onCpu.tokens.every((t, i) => t === onCuda.tokens[i]);
    row.cpu_tokens_per_s = +onCpu.tokensPerSecond.toFixed(1);
    row.cuda_tokens_per_s = +onCuda.tokensPerSecond.toFixed(1);
    try {
      const resident = await deviceResidentKv(cuda, promptLength);
      row.kv_on_device = {
        works: resident.location === (cpuOnly ? 'cpu' : 'gpu-buffer'),
        location: resident.location,
        max_abs_logit_diff_to_cpu: +maxAbsDiff(onCpu.logits, resident.prefillLogits).toExponential(3),
        greedy_tokens_equal: onCuda.tokens.every((t, i) => t === resident.tokens[i]),
        tokens_per_s: +resident.tokensPerSecond.toFixed(1),
      };
    } catch (err) {
      row.kv_on_device = { works: false, error: String((err as Error).message ?? err).split('\n')[0] };
    }
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`check:gpu: ${(err as Error).message ?? err}\n`);
    process.exitCode = 1;
  },
);
