import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { answersFromFileText } from '../engine/critique/answerFile';
import type { FrameTimes } from '../engine/critique/extractTimes';
import { parseProfileAnswers } from '../engine/critique/profileAnswers';
import { ANSWER_KINDS, type AnswerKind } from '../shared/profiles';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';
import { LIMITS, MAX_RESULT_FILE_BYTES } from '../shared/limits';
import { numberFlag } from './numberFlag';

export const PARSE_HELP = `cosmos-critic parse <answer.txt…> [options]

Turns saved critic answers (from this tool, or from runs made elsewhere such as NVIDIA's video_critic
example) into the result's structured fields. Prints, for each file, one JSON object:
  { "file", "critic": { "score", "trials" }, "violations", "video_analysis" }
One line per file; --pretty indents.

A file holds one answer, or several trials of the same video as:
  - a JSON array of strings;
  - a JSON object with a "trials", "responses" or "outputs" array of strings;
  - plain text with the trials separated by a line of --- or ===== (a label between is allowed,
    as in "===== trial 2 =====").
The critic score is the share of parsed trials answering "No"; null when none parse (no verdict).

Options:
  --frame-times T0,T1,…  times in seconds of the frames the model saw, so that "frame 8" in an
                         answer maps to T8
  --fps N                the rate the frames were sampled at, so that frame i maps to i / N
                         (when no --frame-times)
  --answer K             critique (default: NVIDIA's template, or <think>…</think> then the answer),
                         timeline (Reason 2 temporal localisation: JSON events with start/end), or score
                         (1–5 plausibility; adds "plausibility")
  --duration S           the clip's length in seconds: timeline times past it are clamped and flagged
  --pretty               indent the JSON (default when writing to a terminal)`;

function frameTimesFrom(values: { 'frame-times'?: string; fps?: string }): FrameTimes | undefined {
  if (values['frame-times'] !== undefined && values.fps !== undefined) {
    throw new UsageError('give either --frame-times or --fps, not both');
  }
  if (values.fps !== undefined) {
    return { fps: numberFlag('fps', values.fps, LIMITS.fps)! };
  }
  if (values['frame-times'] !== undefined) {
    const parts = values['frame-times'].split(',').map((part) => part.trim());
    const times = parts.map(Number);
    if (parts.some((part) => part === '') || times.some((t) => !Number.isFinite(t) || t < 0)) {
      throw new UsageError(`--frame-times must be comma-separated seconds such as 0,0.25,0.5, got "${values['frame-times']}"`);
    }
    return times;
  }
  return undefined;
}

function readFailure(err: unknown): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new Error('no such file; check the path');
  if (code === 'EISDIR') return new Error('is a directory; give the answer files inside it');
  if (code === 'EACCES' || code === 'EPERM') return new Error('cannot be read: permission denied');
  return new Error(`cannot be read (${code ?? (err as Error)?.message ?? String(err)})`);
}

export async function parseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'frame-times': { type: 'string' }, fps: { type: 'string' }, answer: { type: 'string' }, duration: { type: 'string' }, pretty: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('parse needs at least one answer file');
  const frameTimes = frameTimesFrom(values);
  const kind = (values.answer ?? 'critique') as AnswerKind;
  if (!ANSWER_KINDS.includes(kind)) throw new UsageError(`--answer must be ${ANSWER_KINDS.join(', ')}, got "${values.answer}"`);
  const durationS = values.duration === undefined ? null : Number(values.duration);
  if (durationS !== null && !(durationS > 0)) throw new UsageError(`--duration must be a positive number of seconds, got "${values.duration}"`);
  const indent = (values.pretty ?? io.stdoutIsTTY) ? 2 : undefined;
  let failed = 0;
  for (const file of positionals) {
    let text: string;
    try {
      const bytes = (await stat(file)).size;
      if (bytes > MAX_RESULT_FILE_BYTES) {
        failed++;
        io.reportError(new Error(`too large to be saved answers (${bytes} bytes, limit ${MAX_RESULT_FILE_BYTES}): split it into one file per video`), file);
        continue;
      }
      text = await readFile(file, 'utf8');
    } catch (err) {
      failed++;
      io.reportError(readFailure(err), file);
      continue;
    }
    try {
      const answers = answersFromFileText(text).map((content) => ({ content }));
      // Reason 2 critiques have no template; the reader takes either form, the answer after </think> or in <answer>.
      const parsed = parseProfileAnswers(answers, { kind, reasoning: kind === 'critique' ? 'template' : 'think-then-answer', ...(frameTimes && { frameTimes }), durationS });
      io.stdout(JSON.stringify({ file, ...parsed }, null, indent) + '\n');
    } catch (err) {
      failed++;
      io.reportError(err, file);
    }
  }
  return failed > 0 ? 1 : 0;
}
