import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { MAX_PROMPT_FILE_BYTES } from '../shared/limits';
import { LineIndex } from './textPosition';

/** The YAML front matter: the text between the opening and closing `---` lines. */
export interface FrontMatter {
  /** Offsets of the YAML text in the file. */
  start: number;
  end: number;
  /** The opening `---` line and the closing one (null when the block is never closed). */
  openLine: number;
  closeLine: number | null;
  /** Set when brackets nest deeper than MAX_FLOW_DEPTH: the YAML is then not parsed (the parser recurses per level). */
  tooDeep: { depth: number; limit: number } | null;
  /** Node ranges are offsets into the YAML text: add `start` for file offsets. */
  yaml: Document.Parsed;
}

/** A `## name` section of the body. */
export interface Section {
  /** Lower-cased, as the engine matches it. */
  name: string;
  headingStart: number;
  headingEnd: number;
  /** Offsets of the section's text, from after the heading to the next heading or the end. */
  contentStart: number;
  contentEnd: number;
  /**
   * The text as the engine sends it (before variables are filled in). An ordinary section is trimmed: blank lines
   * and spaces at either end, and so its final line break, are layout, not text. A verbatim section (its content a
   * block fenced by four or more backticks with the info word `verbatim`) is every byte between the fence lines,
   * a final line break included when there is an empty line before the closing fence; its `{{…}}` are left as they are.
   */
  text: string;
  verbatim: boolean;
}

/** A `{{name}}` placeholder in the system or user text. */
export interface VariableUse {
  name: string;
  start: number;
  end: number;
}

/** A prompt file split into the parts every feature works on, with file offsets. */
export interface PromptSource {
  text: string;
  lines: LineIndex;
  frontMatter: FrontMatter | null;
  /** Offset where the Markdown body starts. */
  bodyStart: number;
  sections: Section[];
  variables: VariableUse[];
  /** Set when the file is over MAX_PROMPT_FILE_BYTES: then nothing else is read (no front matter, no sections). */
  tooLarge: { bytes: number; limit: number } | null;
}

const DELIMITER = /^---[ \t]*$/;
// A section starts at `## name` where name is one word; `### …`, multi-word headings and lines inside a verbatim block stay text.
const VARIABLE = /\{\{\s*(\w+)\s*\}\}/g;

export function readPromptSource(text: string): PromptSource {
  // Every feature reads the file through here: an oversized one costs one byte count, never a parse.
  const bytes = text.length > MAX_PROMPT_FILE_BYTES / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes > MAX_PROMPT_FILE_BYTES) {
    return { text, lines: new LineIndex(text), frontMatter: null, bodyStart: 0, sections: [], variables: [], tooLarge: { bytes, limit: MAX_PROMPT_FILE_BYTES } };
  }
  const lines = new LineIndex(text);
  const frontMatter = readFrontMatter(text, lines);
  const bodyStart = bodyStartOf(frontMatter, lines);
  const sections = readSections(text, bodyStart);
  const variables: VariableUse[] = [];
  for (const section of sections) {
    if ((section.name !== 'system' && section.name !== 'user') || section.verbatim) continue;
    const content = text.slice(section.contentStart, section.contentEnd);
    for (const match of content.matchAll(VARIABLE)) {
      const start = section.contentStart + match.index;
      variables.push({ name: match[1]!, start, end: start + match[0].length });
    }
  }
  return { text, lines, frontMatter, bodyStart, sections, variables, tooLarge: null };
}

function bodyStartOf(frontMatter: FrontMatter | null, lines: LineIndex): number {
  if (frontMatter === null) return 0;
  if (frontMatter.closeLine === null || frontMatter.closeLine + 1 >= lines.lineCount) return lines.text.length;
  return lines.lineStart(frontMatter.closeLine + 1);
}

function readFrontMatter(text: string, lines: LineIndex): FrontMatter | null {
  const firstLine = lines.lineText(0).replace(/^\uFEFF/, '');
  if (!DELIMITER.test(firstLine)) return null;
  let closeLine: number | null = null;
  for (let line = 1; line < lines.lineCount; line++) {
    if (DELIMITER.test(lines.lineText(line))) {
      closeLine = line;
      break;
    }
  }
  const start = lines.lineCount > 1 ? lines.lineStart(1) : text.length;
  const end = closeLine === null ? text.length : Math.max(start, lines.lineStart(closeLine));
  // uniqueKeys: the parser's own check compares every key with every other (quadratic); the checker finds duplicates.
  const yamlText = text.slice(start, end);
  const depth = flowDepth(yamlText);
  const tooDeep = depth > MAX_FLOW_DEPTH ? { depth, limit: MAX_FLOW_DEPTH } : null;
  const yaml = parseDocument(tooDeep ? '' : yamlText, { keepSourceTokens: true, lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  return { start, end, openLine: 0, closeLine, tooDeep, yaml };
}

/** Most `[`/`{` nesting the front matter may have; a prompt's settings nest two deep. */
const MAX_FLOW_DEPTH = 32;

/** The deepest nesting of flow brackets, outside quotes and comments (an upper bound: plain text may hold brackets). */
function flowDepth(yaml: string): number {
  let depth = 0;
  let deepest = 0;
  let quote = '';
  for (let i = 0; i < yaml.length; i++) {
    const c = yaml[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(yaml[i - 1]!))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(yaml[i - 1]!))) while (i < yaml.length && yaml[i] !== '\n') i++;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return deepest;
}

const HEADING_LINE = /^##[ \t]+(\w+)[ \t]*\r?$/;
const VERBATIM_OPEN = /^(`{4,})verbatim[ \t]*\r?$/;

/** Lines of the body with their offsets (each line without its `\n`). */
function* linesFrom(text: string, start: number): Generator<{ start: number; end: number; line: string }> {
  let at = start;
  while (at < text.length) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    yield { start: at, end, line: text.slice(at, end) };
    at = end + 1;
  }
}

function readSections(text: string, bodyStart: number): Section[] {
  const sections: Section[] = [];
  let current: Section | null = null;
  // Inside a verbatim block: the closing fence and where the text starts; headings there are text.
  let fence: { close: string; textStart: number } | null = null;
  let sawContent = false;
  const finish = (end: number) => {
    if (current && !current.verbatim) current.text = text.slice(current.contentStart, end).trim();
    if (current) current.contentEnd = end;
  };
  for (const { start, end, line } of linesFrom(text, bodyStart)) {
    if (fence && current) {
      if (line.replace(/[ \t]*\r?$/, '') === fence.close) {
        current.text = text.slice(fence.textStart, Math.max(fence.textStart, start - 1));
        fence = null;
      }
      continue;
    }
    const heading = HEADING_LINE.exec(line);
    if (heading) {
      finish(start);
      current = { name: heading[1]!.toLowerCase(), headingStart: start, headingEnd: start + heading[0].replace(/\r$/, '').length, contentStart: 0, contentEnd: 0, text: '', verbatim: false };
      current.contentStart = current.headingEnd;
      sections.push(current);
      sawContent = false;
      continue;
    }
    if (!current || line.trim() === '') continue;
    const open = sawContent ? null : VERBATIM_OPEN.exec(line);
    sawContent = true;
    if (open) {
      current.verbatim = true;
      fence = { close: open[1]!, textStart: Math.min(end + 1, text.length) };
    }
  }
  if (fence && current) current.text = text.slice(fence.textStart);
  finish(text.length);
  return sections;
}

/** The pair at a key path such as ['video', 'fps'], if every step is a map. */
export function pairAt(frontMatter: FrontMatter | null, path: readonly string[]): Pair<Node, Node | null> | undefined {
  let node: unknown = frontMatter?.yaml.contents;
  let found: Pair<Node, Node | null> | undefined;
  for (const name of path) {
    if (!isMap(node)) return undefined;
    found = (node.items as Array<Pair<Node, Node | null>>).find((pair) => isScalar(pair.key) && pair.key.value === name);
    node = found?.value;
  }
  return found;
}

export function topLevelPair(frontMatter: FrontMatter | null, key: string): Pair<Node, Node | null> | undefined {
  return pairAt(frontMatter, [key]);
}

/**
 * The front matter as plain data; {} when it is not a map or its aliases expand too far (`aliasExpansionProblem`
 * says so, and the validator reports it as an error).
 */
export function frontMatterData(frontMatter: FrontMatter | null): Record<string, unknown> {
  if (!frontMatter || !isMap(frontMatter.yaml.contents)) return {};
  try {
    return (frontMatter.yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Most `*alias` expansions the front matter may make: more is a "billion laughs" pattern, not a prompt. */
const MAX_ALIAS_COUNT = 100;

/** Why the front matter cannot become data (aliases that expand too far), or null. */
export function aliasExpansionProblem(frontMatter: FrontMatter): string | null {
  if (frontMatter.yaml.errors.length > 0 || !isMap(frontMatter.yaml.contents)) return null;
  try {
    frontMatter.yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
