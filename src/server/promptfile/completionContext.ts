import type { PromptSource } from '../../promptfile/promptSource';

/**
 * What the cursor is on in the front matter, read from the raw text because the YAML is usually
 * incomplete while it is typed. `start`–`end` is the text a completion replaces.
 */
export type CompletionContext =
  | { kind: 'key'; parent: string[]; start: number; end: number; typed: string; colonFollows: boolean }
  | { kind: 'value'; path: string[]; start: number; end: number; typed: string }
  | { kind: 'item'; path: string[]; start: number; end: number; typed: string };

interface FlowLevel {
  open: '[' | '{';
  path: string[];
  /** Offset after the last `[`, `{` or `,` of this level. */
  segmentStart: number;
  /** Inside `{…}`: the key of the entry being written, once its colon is typed. */
  key: string | null;
  valueStart: number;
}

const TOP_LEVEL_LINE = /^[A-Za-z_"']/;
const KEY_PREFIX = /^\s*("[^"]*"|'[^']*'|[^\s:#"'][^:#]*?)\s*:(?=\s|$)/;

export function completionContextAt(source: PromptSource, offset: number): CompletionContext | null {
  const { frontMatter, lines, text } = source;
  if (!frontMatter || offset < frontMatter.start) return null;
  if (frontMatter.closeLine === null ? offset > frontMatter.end : offset >= frontMatter.end) return null;

  const cursorLine = lines.positionAt(offset).line;
  const lineStart = lines.lineStart(cursorLine);
  const linePrefix = text.slice(lineStart, offset);
  // At the start of a line, before any colon: a top-level key.
  if (!/^\s/.test(linePrefix) && !KEY_PREFIX.test(linePrefix)) return keyContext(text, [], lineStart, offset);

  const firstLine = lines.positionAt(frontMatter.start).line;
  let entryLine = cursorLine;
  while (entryLine > firstLine && !TOP_LEVEL_LINE.test(lines.lineText(entryLine))) entryLine--;
  const entryKey = KEY_PREFIX.exec(lines.lineText(entryLine));
  if (!entryKey || !TOP_LEVEL_LINE.test(lines.lineText(entryLine))) return null;
  const entryStart = lines.lineStart(entryLine);
  const topKey = unquote(entryKey[1]!);
  const stack: FlowLevel[] = [];
  let quote: '"' | "'" | null = null;
  for (let i = entryStart + entryKey[0].length; i < offset; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === "'" && quote === "'" && text[i + 1] === "'") i++;
      else if (c === quote) quote = null;
      continue;
    }
    const top = stack.at(-1);
    if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const end = text.indexOf('\n', i);
      if (end === -1 || end >= offset) return null;
      i = end;
    } else if ((c === '"' || c === "'") && /[[{,:\s]/.test(text[i - 1] ?? ' ')) {
      quote = c;
    } else if (c === '[' || c === '{') {
      const path = !top ? [topKey] : top.open === '{' && top.key ? [...top.path, top.key] : top.path;
      stack.push({ open: c, path, segmentStart: i + 1, key: null, valueStart: i + 1 });
    } else if ((c === ']' || c === '}') && top) {
      stack.pop();
    } else if (c === ',' && top) {
      top.segmentStart = i + 1;
      top.key = null;
    } else if (c === ':' && top?.open === '{' && top.key === null && /[\s,}]/.test(text[i + 1] ?? ' ')) {
      top.key = unquote(text.slice(top.segmentStart, i).trim());
      top.valueStart = i + 1;
    }
  }

  const level = stack.at(-1);
  if (level?.open === '[') return wordContext('item', level.path, text, level.segmentStart, offset);
  if (level?.open === '{') {
    return level.key === null ? keyContext(text, level.path, level.segmentStart, offset) : wordContext('value', [...level.path, level.key], text, level.valueStart, offset);
  }
  if (cursorLine === entryLine) return wordContext('value', [topKey], text, entryStart + entryKey[0].length, offset);

  // A continuation line of a block value: `  - item`, `  key: value` or `  key`.
  const dash = /^(\s*)-(\s+|$)/.exec(linePrefix);
  if (dash) return wordContext('item', [topKey], text, lineStart + dash[0].length, offset);
  const nested = KEY_PREFIX.exec(linePrefix);
  if (nested) return wordContext('value', [topKey, unquote(nested[1]!)], text, lineStart + nested[0].length, offset);
  return keyContext(text, [topKey], lineStart, offset);
}

function keyContext(text: string, parent: string[], from: number, offset: number): CompletionContext {
  const { start, end, typed } = word(text, from, offset, /^[\w-]*/);
  return { kind: 'key', parent, start, end, typed, colonFollows: /^\s*:/.test(text.slice(end)) };
}

function wordContext(kind: 'value' | 'item', path: string[], text: string, from: number, offset: number): CompletionContext {
  return { kind, path, ...word(text, from, offset, /^[^\s,\]}#]*/) };
}

/** The word being typed: from the first non-blank after `from` to the cursor, and on over the rest of it. */
function word(text: string, from: number, offset: number, rest: RegExp): { start: number; end: number; typed: string } {
  const before = text.slice(from, offset);
  const start = from + (before.length - before.trimStart().length);
  const after = rest.exec(text.slice(offset))?.[0] ?? '';
  return { start, end: offset + after.length, typed: text.slice(start, offset) };
}

function unquote(name: string): string {
  return /^(["']).*\1$/.test(name) ? name.slice(1, -1) : name;
}
