// `npm run gpu:memory [-- --json]`: the README's GPU tables, computed (not measured) from the models' configs and the
// shipped prompts' frame plans for a 10 s 1080p clip at 30 fps: GPU memory per precision, and what a decode step costs
// when the KV cache lives in host memory.
import { parseArgs } from 'node:util';
import { loadPrompt } from '../../src/engine/evaluate/shippedPrompts';
import { clipWorkload, TEN_SECOND_CLIP, type ClipWorkload } from '../../src/engine/model/clipWorkload';
import { LOW_MEMORY_CHUNKING } from '../../src/engine/model/localModel';
import {
  COSMOS_REASON1_7B,
  COSMOS_REASON2_2B,
  COSMOS_REASON2_8B,
  kvBytesPerToken,
  localFootprint,
  PCIE_BYTES_PER_S,
  stepTransfer,
  stepWeightBytes,
  trialTransferBytes,
  type ModelShape,
  type Precision,
} from '../../src/engine/model/memoryEstimate';

const { values } = parseArgs({ options: { json: { type: 'boolean' } } });

const GB = 1e9;
const gb = (bytes: number) => (bytes / GB).toFixed(bytes < GB ? 2 : 1);
const PRECISIONS: Precision[] = ['fp32', 'fp16', 'q4'];
const GPU_SIZES_GB = [24, 48, 80];
/** CUDA context, cuDNN/cuBLAS workspaces and arena rounding: an allowance, not a computation. */
const OVERHEAD_GB = 2;
/** Memory bandwidth of two reference cards, for the floor of a decode step's time. */
const HBM = { '1 TB/s card': 1e12, 'H200 (4.8 TB/s)': 4.8e12 };

const jobs: Array<{ model: ModelShape; prompt: string }> = [
  { model: COSMOS_REASON1_7B, prompt: 'critic-detailed' },
  { model: COSMOS_REASON1_7B, prompt: 'reward' },
  { model: COSMOS_REASON2_2B, prompt: 'reason2-critic' },
  { model: COSMOS_REASON2_8B, prompt: 'reason2-critic' },
];

const fits = (totalBytes: number) => GPU_SIZES_GB.filter((size) => totalBytes / GB + OVERHEAD_GB <= size).map((s) => `${s}`).join('/') || '—';

const rows = jobs.map(({ model, prompt }) => {
  const work: ClipWorkload = clipWorkload(model, loadPrompt(prompt), TEN_SECOND_CLIP);
  const precisions = PRECISIONS.map((precision) => {
    const one = localFootprint(model, precision, work);
    const low = localFootprint(model, precision, work, LOW_MEMORY_CHUNKING);
    return { precision, oneCall: one, lowMemory: low };
  });
  const context = work.promptTokens + work.generatedTokens;
  const step = stepTransfer(model.text, work.promptTokens);
  const trial = trialTransferBytes(model.text, work.promptTokens, work.generatedTokens);
  return { model, prompt, work, precisions, context, step, trial };
});

if (values.json) {
  process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, model: r.model.id })), null, 2) + '\n');
} else {
  const out: string[] = [];
  out.push(`Clip: ${TEN_SECOND_CLIP.frameCount} frames, ${TEN_SECOND_CLIP.fps} fps, ${TEN_SECOND_CLIP.width}×${TEN_SECOND_CLIP.height}. GB = 10^9 bytes.`, '');
  out.push('| model · prompt | frames | video tokens | prompt tokens (text ≈) | generated × trials | KV a token (float32) | KV at the end |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    out.push(`| ${r.model.label} · \`${r.prompt}\` | ${r.work.plan.frames} at ${r.work.plan.width}×${r.work.plan.height} | ${r.work.videoTokens.toLocaleString('en')} | ${r.work.promptTokens.toLocaleString('en')} (${r.work.textTokens}) | ${r.work.generatedTokens.toLocaleString('en')} × ${r.work.trials} | ${kvBytesPerToken(r.model.text) / 1024} KiB | ${gb(kvBytesPerToken(r.model.text) * r.context)} GB |`);
  }
  out.push('', `| model · prompt | precision | weights | vision call | decoder call | total, one call | total, \`--low-memory\` | fits (GB, with ${OVERHEAD_GB} GB overhead): one call · low-memory |`);
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    for (const p of r.precisions) {
      out.push(`| ${r.model.label} · \`${r.prompt}\` | ${p.precision} | ${gb(p.oneCall.weights)} | ${gb(p.oneCall.vision)} → ${gb(p.lowMemory.vision)} | ${gb(p.oneCall.decoder)} → ${gb(p.lowMemory.decoder)} | ${gb(p.oneCall.total)} | ${gb(p.lowMemory.total)} | ${fits(p.oneCall.total)} · ${fits(p.lowMemory.total)} |`);
    }
  }
  out.push('', '| model · prompt | PCIe bytes a step at the prompt | ms a step, PCIe 4.0 · 5.0 | PCIe bytes a trial | s a trial, PCIe 4.0 · 5.0 | weights read a step (fp16) | ms a step, 1 TB/s · H200 |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows.filter((row) => row.work.generatedTokens > 0)) {
    const [pcie4, pcie5] = Object.values(PCIE_BYTES_PER_S);
    const weights = stepWeightBytes(r.model, 'fp16');
    const [slow, fast] = Object.values(HBM);
    out.push(
      `| ${r.model.label} · \`${r.prompt}\` | ${gb(r.step.pcieBytes)} GB | ${((r.step.pcieBytes / pcie4) * 1e3).toFixed(0)} · ${((r.step.pcieBytes / pcie5) * 1e3).toFixed(0)} | ${(r.trial / 1e12).toFixed(1)} TB | ${(r.trial / pcie4).toFixed(0)} · ${(r.trial / pcie5).toFixed(0)} | ${gb(weights)} GB | ${((weights / slow) * 1e3).toFixed(1)} · ${((weights / fast) * 1e3).toFixed(1)} |`,
    );
  }
  process.stdout.write(out.join('\n') + '\n');
}
