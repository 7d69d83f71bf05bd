import { basename, resolve } from 'node:path';
import type { Backend } from '../engine/evaluate/backend';
import { OutputWriteError } from '../engine/store/atomicWrite';
import { failureMessage, ResultStore } from '../engine/store/resultStore';
import type { PromptFile } from '../promptfile/promptFile';
import type { CliIo } from './cliIo';
import type { ProgressEvent } from '../engine/evaluate/evaluateTypes';
import type { CriticResult } from '../shared/result';

/**
 * `--out DIR` of score and critique: DIR is a results store, its names relative to the videos' common folder
 * (`DIR/results/<video with extension>.<prompt>-v<version>.<model>.json`).
 */
export const outStore = (out: string | undefined, videos: readonly string[]): ResultStore | undefined => (out ? ResultStore.forVideos(out, videos) : undefined);

/** Records a video that failed in the `--out` store, as batch does; a record that cannot be written is reported too. */
export async function recordFailure(store: ResultStore | undefined, backend: Backend, video: string, prompt: PromptFile, err: unknown, io: CliIo): Promise<void> {
  // The store itself could not be written: a failure record would fail the same way.
  if (!store || err instanceof OutputWriteError) return;
  const path = resolve(video);
  try {
    await store.writeFailure({ video: path, promptId: prompt.id, promptVersion: prompt.version, model: backend.label.model }, failureMessage(path, err));
  } catch (writeErr) {
    io.reportError(writeErr, video);
  }
}

export function progressLine(file: string, e: ProgressEvent): string {
  const name = basename(file);
  if (e.stage !== 'generate') return `${name}: ${e.stage}…`;
  const rate = e.tokensPerSecond ? ` · ${e.tokensPerSecond.toFixed(1)} tok/s` : '';
  return `${name}: generating (trial ${(e.trial ?? 0) + 1}/${e.trials ?? 1}, ${e.tokens ?? 0} tokens${rate})`;
}

const fmtTime = (t: number | null) => (t === null ? '?' : `${t.toFixed(2)}s`);

export function violationLines(result: CriticResult): string[] {
  return result.violations.map((v) => {
    const when = v.start_s === null ? 'time not given' : v.end_s !== null && v.end_s !== v.start_s ? `${fmtTime(v.start_s)}–${fmtTime(v.end_s)}` : `at ${fmtTime(v.start_s)}`;
    return `- [${v.category}] ${v.component ?? 'scene'} (${when}, trial ${v.trial + 1}): ${v.description}`;
  });
}

export function critiqueAsText(result: CriticResult): string {
  const critic = result.critic!;
  const answers = critic.trials.map((t, i) => `trial ${i + 1}: ${t.answer ?? 'unparsed'} (${t.parse})`).join(', ');
  const p = result.plausibility;
  const scoreLine = p
    ? p.raw_mean === null || p.score === null
      ? `unparsed: no trial gave a 1–5 score, so there is no verdict — ${p.raw.map((r, i) => `trial ${i + 1}: ${r ?? 'unparsed'}`).join(', ')}`
      : `plausibility ${p.raw_mean.toFixed(2)} of 5 → score ${p.score.toFixed(3)} — ${p.raw.map((r, i) => `trial ${i + 1}: ${r ?? 'unparsed'}`).join(', ')}`
    : critic.score === null
      ? `unparsed: no trial's answer could be read, so there is no verdict — ${answers}`
      : `critic score ${critic.score.toFixed(3)} (fraction of trials answering "No" anomaly) — ${answers}`;
  return [
    `${result.video.path}`,
    scoreLine,
    ...(result.violations.length ? ['violations:', ...violationLines(result)] : ['no violations reported']),
  ].join('\n');
}

export function critiqueAsMarkdown(result: CriticResult): string {
  const critic = result.critic!;
  const lines = [
    `# Critique of \`${basename(result.video.path)}\``,
    '',
    `**Critic score:** ${critic.score === null ? 'none (unparsed: no trial\'s answer could be read)' : critic.score.toFixed(3)} over ${critic.trials.length} trial${critic.trials.length === 1 ? '' : 's'} · prompt \`${result.prompt.id}\` v${result.prompt.version} · model \`${result.model.id}\` on ${result.model.device}`,
    '',
    '## Violations',
    '',
    ...(result.violations.length ? violationLines(result) : ['None reported.']),
  ];
  critic.trials.forEach((trial, i) => {
    lines.push('', `## Trial ${i + 1}: answer ${trial.answer ?? '(none)'} (parse ${trial.parse})`, '');
    if (trial.overview) lines.push(trial.overview, '');
    for (const c of trial.components) lines.push(`- **${c.name}** — anomaly ${c.anomaly ?? '?'}: ${c.analysis}`);
    lines.push('', '<details><summary>Raw answer</summary>', '', '```', trial.raw, '```', '', '</details>');
  });
  return lines.join('\n') + '\n';
}
