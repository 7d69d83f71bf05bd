import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { SamplingOptions } from '../shared/video';

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

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

function sections(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  const parts = body.split(/^##[ \t]+(\w+)[ \t]*$/m);
  for (let i = 1; i < parts.length; i += 2) out[parts[i]!.toLowerCase()] = parts[i + 1]!.trim();
  return out;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const humanList = (items: string[]) => items.map((s) => s.replace(/_/g, ' ')).join(', ');

/** Replaces {{focus}}, {{ignore}} and {{domain}} with the front matter's values. */
export function renderTemplate(text: string, prompt: Pick<PromptFile, 'focus' | 'ignore' | 'domain'>): string {
  const vars: Record<string, string> = { focus: humanList(prompt.focus), ignore: humanList(prompt.ignore), domain: prompt.domain ?? '' };
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

export function parsePromptFile(text: string, path: string | null): PromptFile {
  const file = path ?? '<prompt>';
  const match = FRONT_MATTER.exec(text);
  if (!match) throw new PromptFileError(file, 'no front matter: the file must start with a --- YAML block (id, version, mode)');
  let meta: Record<string, unknown>;
  try {
    meta = (parseYaml(match[1]!) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new PromptFileError(file, `front matter is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const body = sections(text.slice(match[0].length));
  if (!body.system || !body.user) throw new PromptFileError(file, 'needs both a "## system" and a "## user" section');
  const mode = meta.mode ?? 'critic';
  if (mode !== 'reward' && mode !== 'critic') throw new PromptFileError(file, `mode must be "reward" or "critic", not "${String(mode)}"`);
  if (typeof meta.id !== 'string' || !meta.id) throw new PromptFileError(file, 'front matter needs an "id"');
  const video = (meta.video ?? {}) as Record<string, unknown>;
  const prompt: PromptFile = {
    id: meta.id,
    version: (meta.version as number | string | undefined) ?? 1,
    mode,
    domain: typeof meta.domain === 'string' ? meta.domain : null,
    focus: list(meta.focus),
    ignore: list(meta.ignore),
    video: {
      rule: video.sampling === 'reward' ? 'reward' : 'fps',
      ...(typeof video.fps === 'number' && { fps: video.fps }),
      ...(typeof video.max_frames === 'number' && { max_frames: video.max_frames }),
      ...(typeof video.min_frames === 'number' && { min_frames: video.min_frames }),
      ...(typeof video.max_pixels === 'number' && { max_pixels: video.max_pixels }),
      ...(typeof video.min_pixels === 'number' && { min_pixels: video.min_pixels }),
      ...(typeof video.total_pixels === 'number' && { total_pixels: video.total_pixels }),
    },
    generation: (meta.generation ?? {}) as GenerationSettings,
    trials: typeof meta.trials === 'number' ? meta.trials : null,
    pin: list(meta.pin),
    system: '',
    user: '',
    sha256: createHash('sha256').update(text).digest('hex'),
    path,
  };
  prompt.system = renderTemplate(body.system, prompt);
  prompt.user = renderTemplate(body.user, prompt);
  return prompt;
}
