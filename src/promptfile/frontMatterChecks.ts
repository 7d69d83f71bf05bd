import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { DiagnosticList } from './promptDiagnostic';
import { closestName, describeValue, PROFILE_ONLY_SETTINGS, PROMPT_KEYS, VIDEO_EXTENSIONS_PATTERN, type KeySpec } from './promptSchema';
import { aliasExpansionProblem, pairAt, type FrontMatter } from './promptSource';

type YamlPair = Pair<Node, Node | null>;

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** Side in pixels of one visual token (patch × merge) per profile. */
const PROFILE_TOKEN_SIDE: Readonly<Record<string, 28 | 32>> = { reason1: 28, 'reason1-reward': 28, reason2: 32, 'cosmos3-reasoner': 32 };

/** Checks the front matter against the schema: syntax, keys, types, values and settings that contradict each other. */
export function checkFrontMatter(frontMatter: FrontMatter, problems: DiagnosticList): void {
  new FrontMatterChecker(frontMatter, problems).run();
}

class FrontMatterChecker {
  constructor(
    private readonly frontMatter: FrontMatter,
    private readonly problems: DiagnosticList,
  ) {}

  run(): void {
    const { yaml, closeLine, openLine } = this.frontMatter;
    if (closeLine === null) {
      this.problems.addOnLine('front-matter-unclosed', 'error', openLine, 'The front matter is never closed: end it with a "---" line before "## system".');
    }
    if (this.frontMatter.tooDeep) {
      const { depth, limit } = this.frontMatter.tooDeep;
      this.problems.addOnLine('yaml-syntax', 'error', openLine, `YAML: brackets nest ${depth} deep (limit ${limit}): a prompt's settings need two levels; remove the extra [ and {.`);
      return;
    }
    for (const error of yaml.errors) this.yamlProblem(error.pos, error.message, error.code, 'error');
    for (const warning of yaml.warnings) this.yamlProblem(warning.pos, warning.message, warning.code, 'warning');
    const aliases = aliasExpansionProblem(this.frontMatter);
    if (aliases) {
      this.problems.addOnLine('yaml-syntax', 'error', openLine, `YAML: the *aliases expand into too much data (${aliases.replace(/\.$/, '')}): write the values out instead of repeating anchors.`);
    }

    const contents = yaml.contents;
    if (contents !== null && !isMap(contents)) {
      const [start, end] = this.span(contents);
      this.problems.add('not-a-map', 'error', start, end, 'The front matter must be a map of keys such as "id: my-prompt" and "version: 1".');
      return;
    }
    if (contents) this.checkMap(contents as YAMLMap<Node, Node | null>, PROMPT_KEYS, []);
    // After a syntax error the parser may have dropped keys that are there: a "missing" key would mislead.
    for (const [name, spec] of Object.entries(yaml.errors.length ? {} : PROMPT_KEYS)) {
      if (spec.required && !this.pair([name])) {
        this.problems.addOnLine('missing-key', 'error', openLine, `The front matter needs "${name}" (${describeValue(spec.value)}).`, { path: [name] });
      }
    }
    if (contents) this.checkCombinations();
  }

  private yamlProblem(pos: [number, number], message: string, code: string, severity: 'error' | 'warning'): void {
    let [start, end] = [this.frontMatter.start + pos[0], this.frontMatter.start + pos[1]];
    if (code === 'DUPLICATE_KEY') {
      const key = this.keyNodeAt(pos[0]);
      if (key?.range) [start, end] = this.span(key);
    }
    const text = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    this.problems.add('yaml-syntax', severity, start, end, `YAML: ${text}`);
  }

  private checkMap(map: YAMLMap<Node, Node | null>, keys: Readonly<Record<string, KeySpec>>, path: string[]): void {
    const seen = new Set<string>();
    for (const pair of map.items as YamlPair[]) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        if (key?.range) this.problems.add('wrong-type', 'error', ...this.span(key), 'Keys must be plain names such as "fps".');
        continue;
      }
      const name = key.value;
      if (seen.has(name)) {
        this.problems.add('yaml-syntax', 'error', ...this.span(key), 'YAML: Map keys must be unique');
        continue;
      }
      seen.add(name);
      const spec = Object.hasOwn(keys, name) ? keys[name] : undefined;
      if (!spec) {
        this.unknownKey(key, name, keys, path);
        continue;
      }
      this.checkValue(spec, pair, [...path, name]);
    }
  }

  private unknownKey(key: Node, name: string, keys: Readonly<Record<string, KeySpec>>, path: string[]): void {
    const guess = closestName(name, Object.keys(keys));
    const where = path.length ? ` in "${path.join('.')}"` : '';
    const message = guess
      ? `Unknown key "${name}"${where}: did you mean "${guess}"?`
      : `Unknown key "${name}"${where}. Known keys: ${Object.keys(keys).join(', ')}.`;
    this.problems.add('unknown-key', 'warning', ...this.span(key), message, { path: [...path, name], ...(guess && { replacement: guess }) });
  }

  private checkValue(spec: KeySpec, pair: YamlPair, path: string[]): void {
    const value = pair.value;
    const dotted = path.join('.');
    const kind = spec.value.kind;
    if (!value || (isScalar(value) && value.value === null)) {
      if (kind === 'categories' || kind === 'paths' || kind === 'map') return;
      const severity = spec.required ? 'error' : 'warning';
      this.problems.add('missing-value', severity, ...this.span(pair.key!), `"${dotted}" has no value (${describeValue(spec.value)}).`, { path });
      return;
    }
    const wrongType = () =>
      this.problems.add('wrong-type', 'error', ...this.span(value), `"${dotted}" must be ${expectedPhrase(spec, path)}, not ${describeNode(value)}.`, { path });
    const v = isScalar(value) ? value.value : undefined;
    switch (spec.value.kind) {
      case 'string':
        if (typeof v !== 'string') return wrongType();
        if (!v.trim()) this.problems.add('invalid-value', 'error', ...this.span(value), `"${dotted}" must not be empty.`, { path });
        return;
      case 'int':
      case 'number': {
        const whole = spec.value.kind === 'int';
        if (typeof v !== 'number' || !Number.isFinite(v) || (whole && !Number.isInteger(v))) return wrongType();
        const problem = outOfRange(v, spec.value);
        if (problem) this.problems.add('invalid-value', 'error', ...this.span(value), `"${dotted}" must be ${problem}, not ${v}.`, { path });
        return;
      }
      case 'intOrString':
        if (typeof v === 'number' && Number.isInteger(v)) {
          const problem = outOfRange(v, spec.value);
          if (problem) this.problems.add('invalid-value', 'error', ...this.span(value), `"${dotted}" must be ${problem}, not ${v}.`, { path });
          return;
        }
        if (typeof v === 'string' && v.trim()) return;
        return wrongType();
      case 'enum': {
        const allowed = Object.keys(spec.value.values);
        if (typeof v === 'string' && allowed.includes(v)) return;
        if (typeof v !== 'string') return wrongType();
        const guess = closestName(v, allowed);
        this.problems.add('invalid-value', 'error', ...this.span(value), `"${dotted}" must be ${allowed.map((a) => `"${a}"`).join(' or ')}, not "${v}".`, {
          path,
          ...(guess && { replacement: guess }),
        });
        return;
      }
      case 'categories': {
        if (!isSeq(value)) return wrongType();
        const { categories, others } = spec.value;
        for (const item of value.items as Node[]) {
          const name = isScalar(item) ? item.value : undefined;
          if (typeof name !== 'string') {
            this.problems.add('wrong-type', 'error', ...this.span(item), `Items of "${dotted}" must be category names, not ${describeNode(item)}.`, { path });
          } else if (Object.hasOwn(others, name)) {
            const other = path[0] === 'focus' ? 'ignore' : 'focus';
            this.problems.add('unknown-category', 'warning', ...this.span(item), `"${name}" is a category for "${other}", not "${dotted}".`, { path });
          } else if (!Object.hasOwn(categories, name)) {
            const guess = closestName(name, Object.keys(categories));
            const message = guess
              ? `Unknown ${dotted} category "${name}": did you mean "${guess}"?`
              : `Unknown ${dotted} category "${name}". Known: ${Object.keys(categories).join(', ')}.`;
            this.problems.add('unknown-category', 'warning', ...this.span(item), message, { path, ...(guess && { replacement: guess }) });
          }
        }
        return;
      }
      case 'paths': {
        if (!isSeq(value)) return wrongType();
        for (const item of value.items as Node[]) {
          const pin = isScalar(item) ? item.value : undefined;
          if (typeof pin !== 'string') {
            this.problems.add('wrong-type', 'error', ...this.span(item), `Items of "${dotted}" must be video paths, not ${describeNode(item)}.`, { path });
          } else if (!isWorkspaceRelative(pin)) {
            this.problems.add('pin-not-relative', 'warning', ...this.span(item), `Pinned videos are workspace-relative paths, such as "videos/clip.mp4": "${pin}" is not.`, { path });
          } else if (!VIDEO_EXTENSIONS_PATTERN.test(pin)) {
            this.problems.add('pin-not-video', 'warning', ...this.span(item), `"${pin}" is not a video (mp4, mov, avi, webm, mkv, m4v).`, { path });
          }
        }
        return;
      }
      case 'map':
        if (!isMap(value)) return wrongType();
        this.checkMap(value as YAMLMap<Node, Node | null>, spec.value.keys, path);
        return;
    }
  }

  private checkCombinations(): void {
    const video = (name: string) => this.scalar(['video', name]);
    if (video('fps') !== undefined && video('nframes') !== undefined) {
      this.onKey(['video', 'nframes'], 'conflicting-settings', 'error', 'Set either "video.fps" or "video.nframes", not both.');
    }
    for (const [low, high] of [['min_frames', 'max_frames'], ['min_pixels', 'max_pixels']] as const) {
      const [a, b] = [video(low), video(high)];
      if (typeof a === 'number' && typeof b === 'number' && a > b) {
        this.onKey(['video', low], 'conflicting-settings', 'error', `"video.${low}" (${a}) is more than "video.${high}" (${b}).`);
      }
    }
    if (video('sampling') === 'reward') {
      for (const name of ['fps', 'nframes', 'min_frames', 'max_frames', 'max_pixels']) {
        if (video(name) !== undefined) {
          this.onKey(['video', name], 'ignored-setting', 'warning', `"video.${name}" is not used by the reward sampling rule (every k-th frame within "total_pixels").`);
        }
      }
    }
    const profile = this.scalar(['profile']);
    if (typeof profile === 'string') {
      for (const rule of PROFILE_ONLY_SETTINGS) {
        const value = this.scalar([...rule.path]);
        if (value === undefined || (rule.value !== undefined && value !== rule.value) || rule.profiles.includes(profile)) continue;
        const shown = rule.value !== undefined ? `"${rule.path.join('.')}: ${String(rule.value)}"` : `"${rule.path.join('.')}"`;
        this.onKey([...rule.path], 'profile-mismatch', 'warning', `${shown} does not apply to profile "${profile}" (only ${rule.profiles.join(', ')}): ${rule.why}.`);
      }
      this.checkTokenBudget(profile);
    }
    const mode = this.scalar(['mode']);
    const trials = this.scalar(['trials']);
    if (mode === 'reward' && trials !== undefined) {
      this.onKey(['trials'], 'ignored-setting', 'warning', '"trials" applies to critic mode only: a reward prompt scores each video once.');
    } else if (mode !== 'reward' && typeof trials === 'number' && trials > 1 && this.scalar(['generation', 'temperature']) === 0) {
      this.onKey(['trials'], 'conflicting-settings', 'warning', `With "generation.temperature" 0 all ${trials} trials give the same critique: raise the temperature or use one trial.`);
    }
  }

  /** A pixel budget written in the other family's tokens: 8192·28² for a Qwen3-VL model, or 8192·32² for Reason 1. */
  private checkTokenBudget(profile: string): void {
    const side = PROFILE_TOKEN_SIDE[profile];
    const other = side === 32 ? 28 : 32;
    if (!side) return;
    for (const name of ['total_pixels', 'max_pixels', 'min_pixels']) {
      const value = this.scalar(['video', name]);
      if (typeof value !== 'number') continue;
      // Budgets are written as a round token count times the token area: 8192·28², 16384·32².
      const tokens = value / (other * other);
      const own = value / (side * side);
      if (!(Number.isInteger(tokens) && tokens >= 64 && isPowerOfTwo(tokens)) || (Number.isInteger(own) && isPowerOfTwo(own))) continue;
      this.onKey(['video', name], 'profile-mismatch', 'warning', `"video.${name}" is ${tokens}·${other}² pixels, a budget in ${other}-px tokens; profile "${profile}" has ${side}-px tokens (${side === 32 ? '16' : '14'}-px patches, merge 2): ${tokens} tokens are ${tokens * side * side}.`);
    }
  }

  private onKey(path: string[], code: 'conflicting-settings' | 'ignored-setting' | 'profile-mismatch', severity: 'error' | 'warning', message: string): void {
    const pair = this.pair(path);
    if (pair?.key) this.problems.add(code, severity, ...this.span(pair.key), message, { path });
  }

  private pair(path: string[]): YamlPair | undefined {
    return pairAt(this.frontMatter, path);
  }

  /** The value at a path when it is a scalar (null values count as absent). */
  private scalar(path: string[]): unknown {
    const value = this.pair(path)?.value;
    return isScalar(value) && value.value !== null ? value.value : undefined;
  }

  private keyNodeAt(offset: number): Node | undefined {
    const visit = (node: unknown): Node | undefined => {
      if (!isMap(node)) return undefined;
      for (const pair of node.items as YamlPair[]) {
        if (pair.key?.range?.[0] === offset) return pair.key;
        const inner = visit(pair.value);
        if (inner) return inner;
      }
      return undefined;
    };
    return visit(this.frontMatter.yaml.contents);
  }

  /** File offsets of a node's value (without trailing comments or line breaks). */
  private span(node: Node): [number, number] {
    const [start, end] = node.range ?? [0, 0];
    return [this.frontMatter.start + start, this.frontMatter.start + end];
  }
}

/** Relative, inside the workspace: no leading slash or drive, no step up out of it. */
export function isWorkspaceRelative(path: string): boolean {
  if (!path.trim() || /^([a-zA-Z]:)?[\\/]/.test(path) || /^[a-z][\w+.-]*:\/\//i.test(path)) return false;
  let depth = 0;
  for (const part of path.split(/[\\/]+/)) {
    if (part === '..') depth--;
    else if (part && part !== '.') depth++;
    if (depth < 0) return false;
  }
  return true;
}

function outOfRange(v: number, spec: { min?: number; max?: number; minExclusive?: boolean }): string | null {
  if (spec.min !== undefined && (spec.minExclusive ? v <= spec.min : v < spec.min)) {
    return spec.minExclusive ? `more than ${spec.min}` : `at least ${spec.min}`;
  }
  if (spec.max !== undefined && v > spec.max) return `at most ${spec.max}`;
  return null;
}

function expectedPhrase(spec: KeySpec, path: string[]): string {
  const value = spec.value;
  switch (value.kind) {
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'intOrString':
      return 'a whole number or text, such as 2';
    case 'enum':
      return Object.keys(value.values).map((name) => `"${name}"`).join(' or ');
    case 'categories':
      return `a list of categories, such as [${Object.keys(value.categories).slice(0, 2).join(', ')}]`;
    case 'paths':
      return 'a list of video paths, such as [videos/clip.mp4]';
    case 'map':
      return `a map, such as ${path[0] === 'video' ? '{ fps: 4 }' : '{ temperature: 0 }'}`;
  }
}

function describeNode(node: Node): string {
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node)) return 'an alias';
  const v = node.value;
  if (v === null) return 'empty';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `"${String(v)}"`;
}
