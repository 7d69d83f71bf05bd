import { parse as parseYaml } from 'yaml';
import { promptHash } from './promptHash';

/** What an imported file held: the two texts, byte for byte, and where they came from. */
export interface ImportedTexts {
  system: string;
  user: string;
  /** The names the texts were found under (a YAML key, a Python constant, or "the whole file"). */
  from: { system: string; user: string };
}

export class PromptImportError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'PromptImportError';
  }
}

/** The question NVIDIA's critic and reward scripts ask when a file carries only the system text. */
export const DEFAULT_USER_TEXT = 'Does the video contain any anomalies or artifacts?';

const SYSTEM_KEYS = ['system_prompt', 'system', 'SYSTEM_PROMPT', 'SYSTEM'];
const USER_KEYS = ['user_prompt', 'user', 'question', 'USER_PROMPT', 'USER', 'QUESTION'];

function pick(values: Record<string, unknown>, keys: readonly string[]): [string, string] | undefined {
  for (const key of keys) if (typeof values[key] === 'string') return [key, values[key] as string];
  return undefined;
}

/** NVIDIA's prompt YAML (cosmos-reason1 `prompts/*.yaml`): `system_prompt` and `user_prompt`. */
export function textsFromYaml(text: string, file: string): ImportedTexts {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new PromptImportError(file, `is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new PromptImportError(file, 'holds no YAML mapping with system_prompt / user_prompt');
  const values = data as Record<string, unknown>;
  const system = pick(values, SYSTEM_KEYS);
  if (!system) throw new PromptImportError(file, `has no ${SYSTEM_KEYS.slice(0, 2).join(' or ')} text`);
  const user = pick(values, USER_KEYS);
  return { system: system[1], user: user?.[1] ?? DEFAULT_USER_TEXT, from: { system: system[0], user: user?.[0] ?? 'the default question' } };
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** Reads one Python string literal (any quote style, r/u prefixes, escapes) starting at `at`; returns its value and end. */
function pythonString(src: string, at: number): { value: string; end: number } | undefined {
  const prefix = /^([rRuU]?)("""|'''|"|')/.exec(src.slice(at, at + 4));
  if (!prefix) return undefined;
  const raw = prefix[1]!.toLowerCase() === 'r';
  const quote = prefix[2]!;
  let i = at + prefix[0].length;
  let value = '';
  while (i < src.length) {
    if (src.startsWith(quote, i)) return { value, end: i + quote.length };
    const ch = src[i]!;
    if (ch === '\n' && quote.length === 1) return undefined;
    if (ch === '\\' && i + 1 < src.length) {
      const next = src[i + 1]!;
      if (raw) {
        value += ch + next;
        i += 2;
        continue;
      }
      if (next in SIMPLE_ESCAPES) {
        value += SIMPLE_ESCAPES[next];
        i += 2;
        continue;
      }
      const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(src.slice(i + 1, i + 10));
      if (hex) {
        value += String.fromCodePoint(parseInt(hex[1]!.slice(1), 16));
        i += 1 + hex[1]!.length;
        continue;
      }
      const octal = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4));
      if (octal) {
        value += String.fromCharCode(parseInt(octal[0], 8));
        i += 1 + octal[0].length;
        continue;
      }
      value += ch;
      i++;
      continue;
    }
    value += ch;
    i++;
  }
  return undefined;
}

/**
 * Top-level `NAME = "..."` constants of a Python file whose value is a plain string literal, or adjacent literals
 * (implicitly concatenated, optionally in parentheses). f-strings and expressions are not constants and are skipped.
 */
export function pythonStringConstants(src: string): Record<string, string> {
  const constants: Record<string, string> = {};
  const assignment = /^([A-Za-z_]\w*)[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*/gm;
  for (const match of src.matchAll(assignment)) {
    let i = match.index + match[0].length;
    const parenthesised = src[i] === '(';
    if (parenthesised) i++;
    let value = '';
    let parts = 0;
    for (;;) {
      while (i < src.length && (/\s/.test(src[i]!) || (src[i] === '\\' && src[i + 1] === '\n'))) {
        if (!parenthesised && src[i] === '\n') break;
        i += src[i] === '\\' ? 2 : 1;
      }
      const literal = pythonString(src, i);
      if (!literal) break;
      value += literal.value;
      parts++;
      i = literal.end;
    }
    if (parts === 0) continue;
    if (parenthesised) {
      while (i < src.length && /\s/.test(src[i]!)) i++;
      if (src[i] !== ')') continue;
    }
    constants[match[1]!] = value;
  }
  return constants;
}

/** NVIDIA's reward script keeps its prompts as Python constants (SYSTEM_PROMPT, USER_PROMPT). */
export function textsFromPython(text: string, file: string): ImportedTexts {
  const constants = pythonStringConstants(text);
  const system = pick(constants, SYSTEM_KEYS) ?? Object.entries(constants).find(([k]) => /SYSTEM/i.test(k) && /PROMPT/i.test(k));
  if (!system) {
    const names = Object.keys(constants);
    throw new PromptImportError(file, `has no SYSTEM_PROMPT string constant${names.length ? ` (string constants found: ${names.slice(0, 8).join(', ')})` : ''}`);
  }
  const user = pick(constants, USER_KEYS) ?? Object.entries(constants).find(([k]) => /USER|QUESTION/i.test(k));
  return { system: system[1], user: user?.[1] ?? DEFAULT_USER_TEXT, from: { system: system[0], user: user?.[0] ?? 'the default question' } };
}

export type ImportFormat = 'yaml' | 'python' | 'text';

export function importFormatOf(file: string): ImportFormat {
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.py$/i.test(file)) return 'python';
  return 'text';
}

export function importedTexts(text: string, file: string, format: ImportFormat = importFormatOf(file)): ImportedTexts {
  if (format === 'yaml') return textsFromYaml(text, file);
  if (format === 'python') return textsFromPython(text, file);
  if (text.length === 0) throw new PromptImportError(file, 'is empty');
  return { system: text, user: DEFAULT_USER_TEXT, from: { system: 'the whole file', user: 'the default question' } };
}

/** A fence longer than any run of backticks in the text, so the text can never close it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(4, longest + 1));
}

/** A section whose text is kept byte for byte: a `verbatim` block (see promptSource.ts for the rule). */
export function verbatimSection(name: string, text: string): string {
  const fence = fenceFor(text);
  return `## ${name}\n${fence}verbatim\n${text}\n${fence}\n`;
}

export interface ImportOptions {
  id: string;
  mode: 'reward' | 'critic';
  source: string;
  sourceText: string;
}

/**
 * The `*.prompt.md` for imported texts: NVIDIA's published settings for the mode (the reward script's own frame
 * rule; the video critic's fps 16, total pixels, 4 trials and sampling) and both texts verbatim.
 */
export function importedPromptFile(texts: ImportedTexts, options: ImportOptions): string {
  const video = options.mode === 'reward' ? '{ sampling: reward }' : '{ fps: 16, total_pixels: 6422528 }';
  const generation = options.mode === 'reward' ? '' : 'generation: { temperature: 0.6, top_k: 50, top_p: 0.95, repetition_penalty: 1.05, max_new_tokens: 4096, seed: 1 }\ntrials: 4\n';
  const header = [
    `# Imported from ${options.source} (sha256 ${promptHash(options.sourceText).slice(0, 16)}): system from ${texts.from.system}, user from ${texts.from.user}.`,
    '# The texts below are byte for byte as imported (verbatim blocks); edit them only if you mean to change what the model was trained with.',
  ];
  return `---\n${header.join('\n')}\nid: ${options.id}\nversion: 1\nmode: ${options.mode}\nvideo: ${video}\n${generation}---\n${verbatimSection('system', texts.system)}\n${verbatimSection('user', texts.user)}`;
}

/** Guesses the mode from the text: the reward model's prompt ends by asking for a single word. */
export function guessMode(texts: ImportedTexts): 'reward' | 'critic' {
  return /single word/i.test(texts.system) && !/<answer>/.test(texts.system) ? 'reward' : 'critic';
}

export function idFromFileName(file: string): string {
  const stem = file.split(/[\\/]/).pop()!.replace(/\.(prompt\.md|ya?ml|py|txt|md)$/i, '');
  const id = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return id || 'imported';
}
