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
  /** The text, trimmed, as the engine sends it (before variables are filled in). */
  text: string;
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
// A section starts at `## name` where name is one word; `### …` and multi-word headings stay text.
const HEADING = /^##[ \t]+(\w+)[ \t]*$/gm;
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
    if (section.name !== 'system' && section.name !== 'user') continue;
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

function readSections(text: string, bodyStart: number): Section[] {
  const body = text.slice(bodyStart);
  const headings = [...body.matchAll(HEADING)];
  return headings.map((match, i) => {
    const headingStart = bodyStart + match.index;
    const headingEnd = headingStart + match[0].length;
    const next = headings[i + 1];
    const contentEnd = next ? bodyStart + next.index : text.length;
    return { name: match[1]!.toLowerCase(), headingStart, headingEnd, contentStart: headingEnd, contentEnd, text: text.slice(headingEnd, contentEnd).trim() };
  });
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
