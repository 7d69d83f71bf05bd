import { LIMITS, type Limit } from '../shared/limits';
import type { VIOLATION_CATEGORIES } from '../shared/violationCategories';

// The one table of front-matter keys: validation, completion and hovers all read it.

/** What the model should check: physical behaviour that could not happen in the real world. */
// Keyed by the shared violation categories (each must have its text here), plus focus-only ones.
export const FOCUS_CATEGORIES: Readonly<Record<string, string>> = {
  gravity: 'Objects fall, rest and balance as gravity requires: nothing floats, hovers or falls upward without a cause.',
  collision: 'Objects touch, bounce and deform plausibly and never pass through each other.',
  object_interaction: 'Objects move only when something acts on them; pushes, grasps and contacts have the expected effect.',
  fluid_dynamics: 'Liquids, smoke and gases flow, splash, pour and settle realistically.',
  object_permanence: 'Objects do not appear, vanish, duplicate or change shape or identity without a cause.',
  human_motion: 'Bodies move naturally: joints within their limits, limbs attached, no sliding feet or bending through the body.',
  common_sense: 'The scene makes everyday sense: sizes, materials and behaviour match what such things do.',
  cause_and_effect: 'Events follow from what happened before them; effects do not precede their causes.',
} satisfies Record<(typeof VIOLATION_CATEGORIES)[number], string> & Record<string, string>;

/** What the model should not count as an anomaly: style and recording choices, not physics. */
export const IGNORE_CATEGORIES: Readonly<Record<string, string>> = {
  animation_style: 'Cartoon, CGI or stylised rendering: judge the motion, not the look.',
  audio: 'A missing, unrelated or unsynchronised soundtrack.',
  lighting: 'Lighting changes, exposure, colour grading.',
  shadows: 'Missing, inconsistent or unusual shadows.',
  camera_effects: 'Blur, lens flare, focus changes, shake, cuts and other camera or editing effects.',
  artistic_style: 'Painterly, stylised or deliberately unrealistic art direction.',
  background: 'The backdrop and distant scenery, unless the judged objects interact with it.',
};

/** `{{name}}` placeholders in the `## system` and `## user` text. */
export const TEMPLATE_VARIABLES: Readonly<Record<string, string>> = {
  focus: 'The `focus` categories as readable text: "gravity, collision, object interaction".',
  ignore: 'The `ignore` categories as readable text: "animation style, audio, lighting".',
  domain: 'The `domain` value, as written.',
};

export const SECTIONS: Readonly<Record<string, string>> = {
  system: 'The system message: what to check, what to ignore, and the answer format.',
  user: 'The user turn, sent after the video: the question the model answers.',
};

export type ValueSpec =
  | { kind: 'string' }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; minExclusive?: boolean }
  | { kind: 'intOrString'; min?: number }
  | { kind: 'enum'; values: Readonly<Record<string, string>> }
  | { kind: 'categories'; categories: Readonly<Record<string, string>>; others: Readonly<Record<string, string>> }
  | { kind: 'paths' }
  | { kind: 'map'; keys: Readonly<Record<string, KeySpec>> };

/** A numeric value spec with the bounds of the shared limits table. */
function fromLimit(kind: 'int' | 'number', limit: Limit): ValueSpec {
  return kind === 'int' ? { kind, min: limit.min, max: limit.max } : { kind, min: limit.min, max: limit.max, ...(limit.minExclusive && { minExclusive: true }) };
}

export interface KeySpec {
  value: ValueSpec;
  required?: boolean;
  /** Markdown for hovers and completion items. */
  doc: string;
  /** Values offered by completion, as YAML text. */
  examples?: readonly string[];
}

export const MODES: Readonly<Record<string, string>> = {
  reward: 'One forward pass: the score is P("No") of the first answer token (Cosmos-Reason1-7B-Reward). No text is generated.',
  critic: 'A generated critique in the component format, parsed into components, an answer and timed violations. With `trials` > 1 the score is the fraction of "No" answers.',
};

export const SAMPLING_RULES: Readonly<Record<string, string>> = {
  fps: 'qwen-vl-utils: frames at `fps` (or exactly `nframes`), within `min_frames`/`max_frames` and the pixel bounds.',
  reward: 'The reward model\'s own rule: every k-th frame, at most about 160, an even count, sharing a `total_pixels` budget. `fps`, `nframes`, `min_frames`, `max_frames` and `max_pixels` are not used.',
};

export const TIMESTAMP_MODES: Readonly<Record<string, string>> = {
  none: 'The frames as decoded and resized.',
  overlay: 'Each frame\'s time (e.g. `1.25s`) drawn on a 28-row black band under it, as NVIDIA\'s timestamp recipe does (DejaVu Sans Mono 20 px, alternating left/right). The frame shrinks so that frame and band stay within the pixel budget. Ask for times in the prompt and say that the timestamp is at the bottom of the video.',
};

/** The model profiles a prompt may be written for (`profile:`). */
export const PROFILES: Readonly<Record<string, string>> = {
  reason1: 'Cosmos-Reason1-7B (Qwen2.5-VL): the video-critic template, `<think>` with components, then `<answer>Yes|No</answer>`.',
  'reason1-reward': 'Cosmos-Reason1-7B-Reward: reward prompts, scored from the first answer token\'s probabilities.',
  reason2: 'Cosmos-Reason2 2B/8B/32B (Qwen3-VL): a plain system prompt, `<think>…</think>` then the answer without tags; frame times reach the model as text timestamps.',
  'cosmos3-reasoner': 'The Cosmos 3 reasoner (Nano: Qwen3-VL-8B vision), served by vLLM, TensorRT-LLM or the `cosmos3-nano-reasoner` NIM: answers as Reason 2.',
};

/** What a critic prompt's answer is (`answer:`). */
export const ANSWERS: Readonly<Record<string, string>> = {
  critique: 'A critique ending in Yes/No (anomalies present?); components with times become violations (default).',
  timeline: 'Temporal localisation: a JSON list of `{"start": "mm:ss.ff", "end": "mm:ss.ff", "caption": …}`, each a violation on the timeline (Reason 2, Cosmos 3).',
  score: 'A 1–5 physical-plausibility score (VideoPhy-2: 5 fully plausible); kept raw and mapped to 0–1 for ranking (Reason 2, Cosmos 3).',
};

/** Front-matter settings that only some profiles use: the profiles, and why the others do not. */
export const PROFILE_ONLY_SETTINGS: ReadonlyArray<{ path: readonly string[]; value?: unknown; profiles: readonly string[]; why: string }> = [
  { path: ['video', 'sampling'], value: 'reward', profiles: ['reason1-reward'], why: 'the every-k-th-frame rule is Cosmos-Reason1-7B-Reward\'s own' },
  { path: ['mode'], value: 'reward', profiles: ['reason1-reward'], why: 'the reward score is Cosmos-Reason1-7B-Reward\'s; Reason 2 and Cosmos 3 rank with `answer: score`' },
  { path: ['answer'], value: 'timeline', profiles: ['reason2', 'cosmos3-reasoner'], why: 'temporal localisation in JSON with mm:ss.ff times is what Reason 2 and Cosmos 3 are trained to answer' },
  { path: ['answer'], value: 'score', profiles: ['reason2', 'cosmos3-reasoner'], why: 'the 1–5 plausibility critic is Reason 2\'s (VideoPhy-2 protocol)' },
];

export const VIDEO_KEYS: Readonly<Record<string, KeySpec>> = {
  timestamps: { value: { kind: 'enum', values: TIMESTAMP_MODES }, doc: 'Draw each frame\'s time under it for the model to read: `none` (default) or `overlay`.' },
  sampling: { value: { kind: 'enum', values: SAMPLING_RULES }, doc: 'How frames are chosen: `fps` (default) or `reward`.' },
  fps: { value: fromLimit('number', LIMITS.fps), doc: 'Frames per second to sample (default 4; NVIDIA\'s video critic uses 16). Not together with `nframes`.', examples: ['4', '16'] },
  nframes: { value: fromLimit('int', LIMITS.nframes), doc: 'Sample exactly this many frames, evenly spread (rounded to an even count). Not together with `fps`.', examples: ['16', '32'] },
  min_frames: { value: fromLimit('int', LIMITS.frames), doc: 'Fewest frames the `fps` rule may take (default 4).', examples: ['4'] },
  max_frames: { value: fromLimit('int', LIMITS.frames), doc: 'Most frames the `fps` rule may take (default 768).', examples: ['64', '768'] },
  min_pixels: { value: fromLimit('int', LIMITS.framePixels), doc: 'Smallest frame area in pixels after resizing (default 128·28·28 = 100352).', examples: ['100352'] },
  max_pixels: { value: fromLimit('int', LIMITS.framePixels), doc: 'Largest frame area in pixels after resizing (default 768·28·28 = 602112).', examples: ['602112'] },
  total_pixels: { value: fromLimit('int', LIMITS.totalPixels), doc: 'Pixel budget shared by all sampled frames (NVIDIA\'s video critic: 8192·28·28 = 6422528).', examples: ['6422528'] },
};

export const GENERATION_KEYS: Readonly<Record<string, KeySpec>> = {
  temperature: { value: fromLimit('number', LIMITS.temperature), doc: 'Sampling temperature; 0 decodes greedily (NVIDIA\'s video critic: 0.6).', examples: ['0', '0.6'] },
  top_k: { value: fromLimit('int', LIMITS.topK), doc: 'Sample among the k most likely tokens; 0 turns it off (NVIDIA: 50).', examples: ['50'] },
  top_p: { value: fromLimit('number', LIMITS.topP), doc: 'Nucleus sampling: the smallest set of tokens whose probability reaches p (NVIDIA: 0.95).', examples: ['0.95'] },
  repetition_penalty: { value: fromLimit('number', LIMITS.repetitionPenalty), doc: 'Penalty for tokens already generated; 1 turns it off (NVIDIA: 1.05).', examples: ['1.05'] },
  max_new_tokens: { value: fromLimit('int', LIMITS.maxNewTokens), doc: 'Most tokens to generate per trial (default 4096).', examples: ['1024', '4096'] },
  seed: { value: fromLimit('int', LIMITS.seed), doc: 'Random seed for sampling; trial i uses seed + i.', examples: ['1'] },
};

export const PROMPT_KEYS: Readonly<Record<string, KeySpec>> = {
  id: { value: { kind: 'string' }, required: true, doc: 'Stable name of the prompt. Every result records it, with `version` and the file\'s hash.' },
  version: {
    value: { kind: 'intOrString', min: 0 },
    required: true,
    doc: 'Bump it whenever the text or settings change, so results made with different text are never mixed up. A whole number or a string.',
    examples: ['1'],
  },
  mode: { value: { kind: 'enum', values: MODES }, doc: '`reward` (a score from one forward pass) or `critic` (a generated critique; the default).' },
  domain: { value: { kind: 'string' }, doc: 'Free text shown in reports and available to the text as `{{domain}}`.', examples: ['general', 'robotics'] },
  focus: {
    value: { kind: 'categories', categories: FOCUS_CATEGORIES, others: IGNORE_CATEGORIES },
    doc: 'What to check, as a list of categories; the text gets them as `{{focus}}`.',
  },
  ignore: {
    value: { kind: 'categories', categories: IGNORE_CATEGORIES, others: FOCUS_CATEGORIES },
    doc: 'What not to count as an anomaly, as a list of categories; the text gets them as `{{ignore}}`.',
  },
  video: { value: { kind: 'map', keys: VIDEO_KEYS }, doc: 'How frames are sampled from each video: `sampling`, `fps` or `nframes`, frame and pixel bounds.' },
  generation: { value: { kind: 'map', keys: GENERATION_KEYS }, doc: 'Text generation for critic mode: `temperature`, `top_k`, `top_p`, `repetition_penalty`, `max_new_tokens`, `seed`.' },
  profile: {
    value: { kind: 'enum', values: PROFILES },
    doc: 'The model family the prompt is written for. A run against a server of another family stops with an error instead of reading its answers the wrong way (unless the profile is forced with `--profile` / `cosmosCritic.modelProfile`).',
  },
  answer: { value: { kind: 'enum', values: ANSWERS }, doc: 'What the answer is: `critique` (default), `timeline` (JSON events with start/end) or `score` (1–5 plausibility).' },
  trials: { value: fromLimit('int', LIMITS.trials), doc: 'Critiques sampled per video (critic mode); the score is the fraction answering "No". NVIDIA\'s video critic uses 4.', examples: ['1', '4'] },
  pin: { value: { kind: 'paths' }, doc: 'Workspace-relative paths of videos to re-run live with this prompt.' },
};

export const VIDEO_EXTENSIONS_PATTERN = /\.(mp4|mov|avi|webm|mkv|m4v)$/i;

/** The spec of a key path such as ['video', 'fps']; undefined for unknown keys. */
export function keySpec(path: readonly string[]): KeySpec | undefined {
  let keys: Readonly<Record<string, KeySpec>> = PROMPT_KEYS;
  let spec: KeySpec | undefined;
  for (const name of path) {
    if (!Object.hasOwn(keys, name)) return undefined;
    spec = keys[name]!;
    keys = spec.value.kind === 'map' ? spec.value.keys : {};
  }
  return spec;
}

/** The keys allowed inside a map path: [] for the top level, ['video'], ['generation']. */
export function keysAt(path: readonly string[]): Readonly<Record<string, KeySpec>> | undefined {
  if (path.length === 0) return PROMPT_KEYS;
  const spec = keySpec(path);
  return spec?.value.kind === 'map' ? spec.value.keys : undefined;
}

/** A short description of what a key takes, e.g. "int ≥ 1" or "reward | critic". */
export function describeValue(spec: ValueSpec): string {
  switch (spec.kind) {
    case 'string':
      return 'text';
    case 'int': {
      const bounds = [spec.min === undefined ? '' : `≥ ${spec.min}`, spec.max === undefined ? '' : `≤ ${spec.max}`].filter(Boolean).join(', ');
      return bounds ? `whole number ${bounds}` : 'whole number';
    }
    case 'number': {
      const low = spec.min === undefined ? '' : `${spec.minExclusive ? '>' : '≥'} ${spec.min}`;
      const high = spec.max === undefined ? '' : `≤ ${spec.max}`;
      return ['number', [low, high].filter(Boolean).join(', ')].filter(Boolean).join(' ');
    }
    case 'intOrString':
      return 'whole number or text';
    case 'enum':
      return Object.keys(spec.values).join(' | ');
    case 'categories':
      return 'list of categories';
    case 'paths':
      return 'list of workspace-relative video paths';
    case 'map':
      return `map of ${Object.keys(spec.keys).join(', ')}`;
  }
}

/** Closest known name within a small edit distance, for "did you mean" hints. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edits (insert, delete, substitute, swap two neighbours) between two names. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
