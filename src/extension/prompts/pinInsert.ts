// The text edit that adds a video under `pin:` in a prompt file's front matter, keeping the rest of the file as written.
// No `vscode` import: the command turns the offsets into a WorkspaceEdit.
import { isMap, isScalar, isSeq, parse as parseYaml, parseDocument, type Node, type Pair } from 'yaml';

/** Replace `[start, end)` of the file's text with `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export type PinInsertion =
  | { kind: 'edit'; edit: TextEdit }
  | { kind: 'already' }
  | { kind: 'error'; message: string };

const DELIMITER = /^---[ \t]*$/;

interface FrontMatterBlock {
  /** Offsets of the YAML text between the delimiter lines. */
  start: number;
  end: number;
}

/** Lines with the offset each starts at (after its predecessor's line break). */
function splitLines(text: string): { text: string; start: number }[] {
  const lines: { text: string; start: number }[] = [];
  const pattern = /\r\n|\r|\n/g;
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    lines.push({ text: text.slice(start, match.index), start });
    start = match.index + match[0].length;
  }
  lines.push({ text: text.slice(start), start });
  return lines;
}

function findFrontMatter(text: string): FrontMatterBlock | null | 'unclosed' {
  const lines = splitLines(text);
  if (!DELIMITER.test(lines[0]!.text.replace(/^\uFEFF/, ''))) return null;
  for (let i = 1; i < lines.length; i++) {
    if (DELIMITER.test(lines[i]!.text)) return { start: lines[1]!.start, end: Math.max(lines[1]!.start, lines[i]!.start) };
  }
  return 'unclosed';
}

function normalisePin(pin: string): string {
  return pin.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function readsBack(yamlText: string, expected: unknown): boolean {
  try {
    return JSON.stringify(parseYaml(yamlText)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

/** The pin as a YAML scalar: plain where it reads back as the same string in a flow and a block list, else double-quoted. */
export function yamlScalar(pin: string): string {
  const plain = /^[^\s'"[\]{},#&*!|>%@`]/.test(pin) && !/\s$/.test(pin) && !/[\r\n]/.test(pin);
  if (plain && readsBack(`[${pin}]`, [pin]) && readsBack(`- ${pin}`, [pin])) return pin;
  return JSON.stringify(pin);
}

function lineEndAt(text: string, offset: number): number {
  const next = text.slice(offset).search(/\r\n|\r|\n/);
  return next === -1 ? text.length : offset + next;
}

function lineStartAt(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
}

function pinnedValues(value: Node | null): string[] {
  if (isSeq(value)) return value.items.map((item) => (isScalar(item) ? String(item.value) : ''));
  if (isScalar(value) && value.value !== null) return [String(value.value)];
  return [];
}

/**
 * Adds `pin` (a workspace-relative path) to the front matter's `pin:` list. Creates the key when it is missing
 * (as `pin: [path]` at the end of the front matter), and the front matter when there is none. A flow list gets
 * `, path` after its last item, a block list a new `- path` line in the same indentation, a single path becomes
 * a flow list of both.
 */
export function pinInsertion(text: string, pin: string): PinInsertion {
  const eol = text.includes('\r\n') ? '\r\n' : text.includes('\r') && !text.includes('\n') ? '\r' : '\n';
  const scalar = yamlScalar(pin);
  const block = findFrontMatter(text);
  if (block === 'unclosed') return { kind: 'error', message: 'its front matter has no closing "---" line' };
  if (block === null) {
    const at = text.startsWith('\uFEFF') ? 1 : 0;
    return { kind: 'edit', edit: { start: at, end: at, newText: `---${eol}pin: [${scalar}]${eol}---${eol}` } };
  }

  const yamlText = text.slice(block.start, block.end);
  const document = parseDocument(yamlText, { keepSourceTokens: true });
  if (document.errors.length > 0) return { kind: 'error', message: `its front matter is not valid YAML (${document.errors[0]!.message.split('\n')[0]})` };
  const contents = document.contents;
  const appendKey: PinInsertion = { kind: 'edit', edit: { start: block.end, end: block.end, newText: `pin: [${scalar}]${eol}` } };
  if (contents === null || (isScalar(contents) && contents.value === null)) return appendKey;
  if (!isMap(contents)) return { kind: 'error', message: 'its front matter is not a map of keys' };

  const pair = (contents.items as Pair<Node, Node | null>[]).find((item) => isScalar(item.key) && item.key.value === 'pin');
  if (!pair) return appendKey;
  const value = pair.value;
  if (pinnedValues(value).some((existing) => normalisePin(existing) === normalisePin(pin))) return { kind: 'already' };
  const at = (offset: number) => block.start + offset;

  if (value === null || (isScalar(value) && value.value === null)) {
    const range = value?.range;
    if (range && range[1] > range[0]) return { kind: 'edit', edit: { start: at(range[0]), end: at(range[1]), newText: `[${scalar}]` } };
    const colon = text.indexOf(':', at(pair.key!.range![1]));
    return { kind: 'edit', edit: { start: colon + 1, end: colon + 1, newText: ` [${scalar}]` } };
  }
  if (isScalar(value)) {
    const range = value.range!;
    const existing = text.slice(at(range[0]), at(range[1]));
    return { kind: 'edit', edit: { start: at(range[0]), end: at(range[1]), newText: `[${existing}, ${scalar}]` } };
  }
  if (!isSeq(value)) return { kind: 'error', message: '"pin:" is not a list of videos' };

  const last = value.items.at(-1) as Node | undefined;
  if (value.flow) {
    if (last?.range) return { kind: 'edit', edit: { start: at(last.range[1]), end: at(last.range[1]), newText: `, ${scalar}` } };
    const close = yamlText.lastIndexOf(']', value.range![1]);
    if (close < 0) return { kind: 'error', message: '"pin:" is not a closed list' };
    return { kind: 'edit', edit: { start: at(close), end: at(close), newText: scalar } };
  }
  const first = value.items[0] as Node | undefined;
  if (!first?.range || !last?.range) return { kind: 'error', message: '"pin:" is an empty list' };
  const firstStart = at(first.range[0]);
  const dash = text.lastIndexOf('-', firstStart);
  const indent = text.slice(lineStartAt(text, dash), dash);
  const end = lineEndAt(text, at(last.range[1]));
  return { kind: 'edit', edit: { start: end, end, newText: `${eol}${indent}- ${scalar}` } };
}

/** Applies an edit to a text (for tests and previews). */
export function applyTextEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
}
