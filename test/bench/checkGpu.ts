// `npm run check:gpu [-- --cuda-device N] [--model DIR] [--tokens N]`: on a machine with an NVIDIA GPU, runs the engine
// on CUDA and on the CPU side by side (the tiny test model in every precision, or a converted model) and prints, as
// JSON, how far apart the logits and the reward score are and how fast each decodes. Then it probes, in a child
// process each (a device pointer read as host memory would crash the check), whether onnxruntime-node hands the
// decoder's present.* back as device tensors (preferredOutputLocation "gpu-buffer") with the CUDA and the WebGPU
// providers, and if so how such a device-resident KV cache decodes. `--cpu-only` runs the "GPU" side on the CPU: a
// check of this script on a machine without a GPU.
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CUDA_INSTALL_HINT, cudaProviderInstalled } from '../../src/engine/model/executionProvider';
import { generateText } from '../../src/engine/model/generateText';
import { LocalModel } from '../../src/engine/model/localModel';
import { ropePositions } from '../../src/engine/model/mropePositions';
import { PRECISIONS, openModelFolder, type Precision } from '../../src/engine/model/modelFolder';
import { twoWayProbabilities } from '../../src/engine/model/tokenSampler';
import { ensureTinyModel } from '../fixtures/tinyModel/index';

const { values } = parseArgs({
  options: {
    'cuda-device': { type: 'string' },
    model: { type: 'string' },
    tokens: { type: 'string' },
    'cpu-only': { type: 'boolean' },
    // Internal: one device-resident KV probe, run in a child process.
    'kv-probe': { type: 'string' },
    precision: { type: 'string' },
    reference: { type: 'string' },
  },
});
const cpuOnly = values['cpu-only'] ?? false;
const deviceId = Number(values['cuda-device'] ?? 0);
const newTokens = Number(values.tokens ?? 64);

/** The one line a machine without CUDA gets: what to install and how. */
const NO_CUDA_LINE =
  `check:gpu: no CUDA here — onnxruntime-node's CUDA provider (libonnxruntime_providers_cuda.so, Linux x64 only) is not installed. ` +
  `Install it on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9: ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install ` +
  `(it downloads from NuGet), then run npm run check:gpu again; npm run check:gpu -- --cpu-only checks this script without a GPU.`;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** A fixed prompt of ordinary token ids (no video: the decoder and its cache are what differ between devices). */
function promptIds(model: LocalModel, length: number): number[] {
  return Array.from({ length }, (_, i) => (i * 7919) % Math.min(model.config.vocabSize, 300));
}

/** P("No") over {"Yes", "No"} from a logit vector: the reward score as the engine computes it. */
function rewardScore(model: LocalModel, logits: Float32Array): number {
  const yes = model.tokenizer.singleTokenId('Yes');
  const no = model.tokenizer.singleTokenId('No');
  return twoWayProbabilities(logits[yes]!, logits[no]!).pNo;
}

/** Greedy decoding through the engine's own loop (KV cache in host memory, as the engine runs today). */
async function engineDecode(model: LocalModel, length: number) {
  const ids = promptIds(model, length);
  const first = await model.forward(await model.embedTokens(ids), ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
  const started = performance.now();
  const out = await generateText(model, { lastLogits: first.lastLogits, cache: first.cache, nextPosition: ids.length, promptIds: ids }, {
    settings: { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, seed: 1 },
    maxNewTokens: newTokens,
    stopTokenIds: [],
  });
  return { prefillLogits: first.lastLogits, tokens: out.tokenIds, tokensPerSecond: (out.tokenIds.length * 1000) / (performance.now() - started) };
}

/** The logits of every step when `model` is fed `tokens` (the other side's choices), so every step is comparable. */
async function forcedStepLogits(model: LocalModel, length: number, tokens: readonly number[]): Promise<Float32Array[]> {
  const ids = promptIds(model, length);
  let step = await model.forward(await model.embedTokens(ids), ids.length, ropePositions(ids.length).positionIds, model.emptyCache());
  const logits = [step.lastLogits];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const position = BigInt(ids.length + i);
    step = await model.forward(await model.embedTokens([tokens[i]!]), 1, BigInt64Array.from([position, position, position]), step.cache);
    logits.push(step.lastLogits);
  }
  return logits;
}

/** What the child compares against: the engine's CPU run, handed over in a file. */
interface ProbeReference {
  promptIds: number[];
  prefillLogits: number[];
  tokens: number[];
}

/**
 * Child process: the decoder in its own session on `provider` with present.* preferred on the device, each step's
 * presents fed back as the next step's past; the token embeddings on the CPU. Prints one JSON line.
 */
async function kvProbe(provider: string, precision: Precision, dir: string, referenceFile: string): Promise<void> {
  const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as ProbeReference;
  const folder = openModelFolder(dir, precision);
  const { numLayers, hiddenSize, numKeyValueHeads, headDim } = folder.config;
  const embedSession = await ort.InferenceSession.create(folder.graphs.embed_tokens, { logSeverityLevel: 3 });
  const embed = async (ids: readonly number[]) =>
    (await embedSession.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]) })).inputs_embeds!.data as Float32Array;
  const presentNames = Array.from({ length: numLayers }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat();
  const session = await ort.InferenceSession.create(folder.graphs.decoder_model_merged, {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId }] : [provider],
    logSeverityLevel: 3,
    preferredOutputLocation: Object.fromEntries(presentNames.map((n) => [n, 'gpu-buffer' as const])),
  });
  const ids = reference.promptIds;
  let past: Record<string, ort.Tensor> = Object.fromEntries(
    presentNames.map((n) => [n.replace('present', 'past_key_values'), new ort.Tensor('float32', new Float32Array(0), [1, numKeyValueHeads, 0, headDim])]),
  );
  let embeds = await embed(ids);
  let positions = ropePositions(ids.length).positionIds;
  let seq = ids.length;
  let total = 0;
  let prefillLogits: Float32Array | undefined;
  let location = 'none';
  const tokens: number[] = [];
  let started = performance.now();
  while (tokens.length < reference.tokens.length) {
    total += seq;
    const out = await session.run({
      inputs_embeds: new ort.Tensor('float32', embeds, [1, seq, hiddenSize]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new ort.Tensor('int64', positions, [3, 1, seq]),
      ...past,
    });
    const vocab = out.logits!.dims[2]!;
    const logits = (out.logits!.data as Float32Array).slice((seq - 1) * vocab, seq * vocab);
    if (!prefillLogits) {
      prefillLogits = logits;
      started = performance.now();
    }
    location = out[presentNames[0]!]!.location;
    const token = argmax(logits);
    tokens.push(token);
    for (const old of Object.values(past)) if (old.location === 'gpu-buffer') old.dispose();
    past = Object.fromEntries(presentNames.map((n) => [n.replace('present', 'past_key_values'), out[n]!]));
    embeds = await embed([token]);
    positions = BigInt64Array.from([total, total, total].map(BigInt));
    seq = 1;
  }
  for (const old of Object.values(past)) if (old.location === 'gpu-buffer') old.dispose();
  await session.release();
  await embedSession.release();
  process.stdout.write(
    JSON.stringify({
      present_location: location,
      device_resident: location === 'gpu-buffer',
      max_abs_logit_diff_to_cpu: +maxAbsDiff(Float32Array.from(reference.prefillLogits), prefillLogits!).toExponential(3),
      greedy_tokens_equal_to_cpu: reference.tokens.every((t, i) => t === tokens[i]),
      tokens_per_s: +((tokens.length * 1000) / (performance.now() - started)).toFixed(1),
    }) + '\n',
  );
}

/** Runs one probe in a child process, so that a crash or a hang is reported instead of ending the check. */
function runProbe(provider: string, precision: Precision, dir: string, referenceFile: string): Record<string, unknown> {
  const args = ['--import', 'tsx', __filename, '--kv-probe', provider, '--precision', precision, '--model', dir, '--reference', referenceFile, '--cuda-device', String(deviceId)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600_000 });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status === 0 && line.startsWith('{')) return JSON.parse(line) as Record<string, unknown>;
  const lines = child.stderr.trim().split('\n');
  const own = lines.find((l) => l.startsWith('check:gpu: '))?.slice('check:gpu: '.length);
  const reason =
    (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
      ? 'the probe took more than 10 minutes'
      : child.signal
        ? `the probe died with ${child.signal}`
        : (own ?? lines.find((l) => /error|fail/i.test(l)) ?? `exit ${child.status}`);
  return { device_resident: false, error: reason.slice(0, 400) };
}

function probeAll(precision: Precision, dir: string, reference: ProbeReference): Record<string, unknown> {
  const scratch = mkdtempSync(join(tmpdir(), 'check-gpu-'));
  try {
    const file = join(scratch, 'reference.json');
    writeFileSync(file, JSON.stringify(reference));
    return Object.fromEntries((cpuOnly ? ['cpu'] : ['cuda', 'webgpu']).map((provider) => [provider, runProbe(provider, precision, dir, file)]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (values['kv-probe']) {
    await kvProbe(values['kv-probe'], (values.precision ?? 'fp32') as Precision, values.model!, values.reference!);
    return 0;
  }
  if (!cpuOnly && !cudaProviderInstalled()) {
    process.stderr.write(NO_CUDA_LINE + '\n');
    return 1;
  }
  const dir = values.model ?? (await ensureTinyModel());
  const precisions: Precision[] = values.model ? PRECISIONS.filter((p) => p !== 'fp32') : [...PRECISIONS];
  const promptLength = values.model ? 1024 : 256;
  const report: Record<string, unknown> = { model: dir, device: cpuOnly ? 'cpu (--cpu-only)' : `cuda:${deviceId}`, prompt_tokens: promptLength, new_tokens: newTokens };
  for (const precision of precisions) {
    let gpu: LocalModel;
    try {
      gpu = await LocalModel.load(dir, { device: cpuOnly ? 'cpu' : 'cuda', cudaDeviceId: deviceId, precision });
    } catch (err) {
      const message = String((err as Error).message ?? err).split('\n')[0]!;
      process.stderr.write(`check:gpu: ${message}${message.includes(CUDA_INSTALL_HINT) ? '' : ` ${CUDA_INSTALL_HINT}`}\n`);
      return 1;
    }
    const cpu = await LocalModel.load(dir, { device: 'cpu', precision });
    const onCpu = await engineDecode(cpu, promptLength);
    const onGpu = await engineDecode(gpu, promptLength);
    // Fed the CPU's tokens, the GPU's logits are comparable at every step, not only until the first disagreement.
    const cpuSteps = await forcedStepLogits(cpu, promptLength, onCpu.tokens);
    const gpuSteps = await forcedStepLogits(gpu, promptLength, onCpu.tokens);
    const agree = gpuSteps.filter((logits, i) => argmax(logits) === onCpu.tokens[i]).length;
    report[precision] = {
      device: gpu.device,
      max_abs_logit_diff: +Math.max(...cpuSteps.map((l, i) => maxAbsDiff(l, gpuSteps[i]!))).toExponential(3),
      max_abs_score_diff: +Math.abs(rewardScore(cpu, onCpu.prefillLogits) - rewardScore(gpu, onGpu.prefillLogits)).toExponential(3),
      greedy_steps_agreeing: `${agree}/${onCpu.tokens.length}`,
      greedy_tokens_equal: onCpu.tokens.every((t, i) => t === onGpu.tokens[i]),
      cpu_tokens_per_s: +onCpu.tokensPerSecond.toFixed(1),
      gpu_tokens_per_s: +onGpu.tokensPerSecond.toFixed(1),
      kv_on_device: probeAll(precision, dir, { promptIds: promptIds(cpu, promptLength), prefillLogits: [...onCpu.prefillLogits], tokens: onCpu.tokens }),
    };
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`check:gpu: ${String((err as Error).message ?? err).split('\n')[0]}\n`);
    process.exitCode = 1;
  },
);
