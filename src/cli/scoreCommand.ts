import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bandWith, readBandsFile } from '../engine/eval/bands';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import type { CliIo } from './cliIo';
import { ENGINE_FLAGS_HELP, ENGINE_FLAG_SPECS, backendFrom } from './engineFlags';
import { outStore, progressLine, recordFailure } from './resultOutput';
import { UsageError } from './usageError';

export const SCORE_HELP = `cosmos-critic score <video…> [options]

Reward score per video: P("No" anomaly) renormalised over the answer tokens "Yes"/"No", 0–1, higher =
more physically plausible; band high ≥ 0.7, medium ≥ 0.3, low below.

Options:
  --prompt F             a reward prompt file (default: the shipped "reward" prompt)
  --json                 print each result as one line of JSON (default: a line of text per video)
  --out DIR              also write each result to DIR/results/<video>.<prompt>-v<version>.<model>.json
                         (names relative to the videos' common folder; a failed video: ….failed.json)
  --no-cache             recompute even when a cached result exists
  --bands FILE           band cut-offs from "cosmos-critic eval --write-bands" instead of 0.7 / 0.3
${ENGINE_FLAGS_HELP}`;

export async function scoreCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...ENGINE_FLAG_SPECS, prompt: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' }, 'no-cache': { type: 'boolean' }, bands: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('score needs at least one video');
  const prompt = loadPrompt(values.prompt ?? 'reward');
  if (prompt.mode !== 'reward') throw new UsageError(`${prompt.path}: mode is "${prompt.mode}"; score needs a reward prompt (use "critique" for critic prompts)`);
  const bands = values.bands ? await readBandsFile(resolve(values.bands)) : undefined;
  const backend = await backendFrom(values, io);
  const store = outStore(values.out, positionals);
  let failed = 0;
  for (const video of positionals) {
    try {
      const evaluated = await backend.evaluate(video, prompt, { force: values['no-cache'], signal: io.signal, onProgress: (e) => io.progress(progressLine(video, e)) });
      const result = bands && evaluated.reward ? { ...evaluated, reward: { ...evaluated.reward, band: bandWith(evaluated.reward.score, bands) } } : evaluated;
      io.progress('');
      await store?.writeResult(evaluated);
      const r = result.reward!;
      io.stdout(values.json ? JSON.stringify(result) + '\n' : `${r.score.toFixed(4)}  ${r.band.padEnd(6)}  anomaly ${r.anomaly.padEnd(3)}  ${result.video.path}\n`);
    } catch (err) {
      if (io.signal.aborted) throw err;
      failed++;
      io.reportError(err, video);
      await recordFailure(store, backend, video, prompt, err, io);
    }
  }
  return failed > 0 ? 1 : 0;
}
