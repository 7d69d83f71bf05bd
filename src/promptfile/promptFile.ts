import { isObject } from '../shared/guards';
import { isProfileId, type AnswerKind, type ModelProfileId } from '../shared/profiles';
import type { SamplingOptions } from '../shared/video';
import { promptHash } from './promptHash';
import { frontMatterData, readPromptSource } from './promptSource';
import { checkPromptSource } from './validatePromptFile';

/** A `*.prompt.md` file: YAML front matter + `## system` and `## user` sections. */
export interface PromptFile {
  id: string;
  version: number | string;
  mode: 'reward' | 'critic';
  domain: string | null;
  focus: string[];
  ignore: string[];
  video: SamplingOptions;
  generation: GenerationSettings;
  trials: number | null;
  /** The model profile the prompt is written for (`profile:`), or null for any. */
  profile: ModelProfileId | null;
  /** What the answer is (`answer:`): a critique (default), a timeline of events, or a 1–5 score. */
  answer: AnswerKind;
  pin: string[];
  system: string;
  user: string;
  /** sha256 of the whole file text: results record it, so an edit without a version bump shows. */
  sha256: string;
  path: string | null;
}

export interface GenerationSettings {
  temperature?: number;
  top_k?: number;
  top_p?: number;
  repetition_penalty?: number;
  max_new_tokens?: number;
  seed?: number;
}

export class PromptFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'PromptFileError';
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const humanList = (items: string[]) => items.map((s) => s.replace(/_/g, ' ')).join(', ');
const VIDEO_NUMBERS = ['fps', 'nframes', 'min_frames', 'max_frames', 'min_pixels', 'max_pixels', 'total_pixels'] as const;
const GENERATION_NUMBERS = ['temperature', 'top_k', 'top_p', 'repetition_penalty', 'max_new_tokens', 'seed'] as const;

/** Replaces {{focus}}, {{ignore}} and {{domain}} with the front matter's values. */
export function renderTemplate(text: string, prompt: Pick<PromptFile, 'focus' | 'ignore' | 'domain'>): string {
  const vars: Record<string, string> = { focus: humanList(prompt.focus), ignore: humanList(prompt.ignore), domain: prompt.domain ?? '' };
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/**
 * Reads a prompt file for the engine. Throws a PromptFileError naming the line of the first
 * problem that makes the file unusable; warnings (unknown keys, unknown categories) do not stop it.
 */
export function parsePromptFile(text: string, path: string | null): PromptFile {
  const file = path ?? '<prompt>';
  const source = readPromptSource(text);
  const error = checkPromptSource(source).find((problem) => problem.severity === 'error');
  if (error) throw new PromptFileError(file, `line ${error.range.start.line + 1}: ${error.message}`);

  const meta = frontMatterData(source.frontMatter);
  const sectionOf = (name: string) => source.sections.filter((s) => s.name === name).at(-1);
  const video = record(meta.video);
  const generation = record(meta.generation);
  const prompt: PromptFile = {
    id: meta.id as string,
    version: meta.version as number | string,
    mode: meta.mode === 'reward' ? 'reward' : 'critic',
    domain: typeof meta.domain === 'string' ? meta.domain : null,
    focus: list(meta.focus),
    ignore: list(meta.ignore),
    video: { rule: video.sampling === 'reward' ? 'reward' : 'fps', ...(video.timestamps === 'overlay' ? { timestamps: 'overlay' as const } : {}), ...numbers(video, VIDEO_NUMBERS) },
    generation: numbers(generation, GENERATION_NUMBERS),
    trials: typeof meta.trials === 'number' ? meta.trials : null,
    profile: isProfileId(meta.profile) ? meta.profile : null,
    answer: meta.answer === 'timeline' || meta.answer === 'score' ? meta.answer : 'critique',
    pin: list(meta.pin),
    system: '',
    user: '',
    sha256: promptHash(text),
    path,
  };
  const render = (name: string) => {
    const found = sectionOf(name);
    return found?.verbatim ? found.text : renderTemplate(found?.text ?? '', prompt);
  };
  prompt.system = render('system');
  prompt.user = render('user');
  return prompt;
}

function record(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

function numbers<K extends string>(from: Record<string, unknown>, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) if (typeof from[key] === 'number') out[key] = from[key] as number;
  return out;
}
