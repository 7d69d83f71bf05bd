import { parseArgs } from 'node:util';
import { loadPrompt } from '../engine/evaluate/shippedPrompts';
import type { CliIo } from './cliIo';
import { ENGINE_FLAGS_HELP, ENGINE_FLAG_SPECS, backendFrom } from './engineFlags';
import { critiqueAsMarkdown, critiqueAsText, outStore, progressLine, recordFailure } from './resultOutput';
import { LIMITS } from '../shared/limits';
import { numberFlag } from './numberFlag';
import { UsageError } from './usageError';

export const CRITIQUE_HELP = `cosmos-critic critique <video> [options]

Chain-of-thought critique in NVIDIA's video-critic format, parsed into components, an answer per trial
and violations with times. With several trials the critic score is the fraction answering "No".

Options:
  --prompt F             a critic prompt file (default: the model profile's shipped critic prompt:
                         "critic-detailed" for Reason 1, "reason2-critic" for Reason 2 and the Cosmos 3 reasoner)
  --trials N             sampled critiques (default: the prompt's "trials", else 1)
  --seed N               first trial's seed (trial i uses seed + i; default: the prompt's, else 1)
  --max-new-tokens N     cap on generated tokens per trial (default: the prompt's, else 4096)
  --format F             json (default), markdown or text (text streams the critique as it is written)
  --out DIR              also write the result to DIR/results/<video>.<prompt>-v<version>.<model>.json
                         (a failed video: ….failed.json)
  --no-cache             recompute even when a cached result exists
${ENGINE_FLAGS_HELP}`;

export async function critiqueCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...ENGINE_FLAG_SPECS,
      prompt: { type: 'string' },
      trials: { type: 'string' },
      seed: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'no-cache': { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('critique takes exactly one video');
  const format = values.format ?? 'json';
  if (!['json', 'markdown', 'text'].includes(format)) throw new UsageError('--format must be json, markdown or text');
  const trials = numberFlag('trials', values.trials, LIMITS.trials);
  const seed = numberFlag('seed', values.seed, LIMITS.seed);
  const maxNewTokens = numberFlag('max-new-tokens', values['max-new-tokens'], LIMITS.maxNewTokens);
  const chosen = values.prompt ? loadPrompt(values.prompt) : null;
  if (chosen && chosen.mode !== 'critic') throw new UsageError(`${chosen.path}: mode is "${chosen.mode}"; critique needs a critic prompt (use "score" for reward prompts)`);
  const backend = await backendFrom(values, io);
  const prompt = chosen ?? loadPrompt(backend.defaultCritiquePrompt());
  const video = positionals[0]!;
  const store = outStore(values.out, [video]);
  try {
    let currentTrial = -1;
    const result = await backend.evaluate(video, prompt, {
      trials,
      seed,
      maxNewTokens,
      force: values['no-cache'],
      signal: io.signal,
      onProgress: (e) => format !== 'text' && io.progress(progressLine(video, e)),
      onText: (trial, delta) => {
        if (format !== 'text') return;
        if (trial !== currentTrial) io.stdout(`${trial > 0 ? '\n\n' : ''}--- trial ${trial + 1} ---\n`);
        currentTrial = trial;
        io.stdout(delta);
      },
    });
    io.progress('');
    await store?.writeResult(result);
    if (format === 'json') io.stdout(JSON.stringify(result, null, 2) + '\n');
    else if (format === 'markdown') io.stdout(critiqueAsMarkdown(result));
    else io.stdout(`${currentTrial >= 0 ? '\n\n' : ''}${critiqueAsText(result)}\n`);
    return 0;
  } catch (err) {
    if (io.signal.aborted) throw err;
    io.reportError(err, video);
    await recordFailure(store, backend, video, prompt, err, io);
    return 1;
  }
}
