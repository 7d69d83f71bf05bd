import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { LineIndex } from './textPosition';

/** The YAML front matter: the text between the opening and closing `---` lines. */
export interface FrontMatter {
  /** Offsets of the YAML text in the file. */
  start: number;
  end: number;
  /** The opening `---` line and the closing one (null when the block is never closed). */
  openLine: number;
  closeLine: number | null;
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
}

const DELIMITER = /^---[ \t]*$/;
// A section starts at `## name` where name is one word; `### …` and multi-word headings stay text.
const HEADING = /^##[ \t]+(\w+)[ \t]*$/gm;
const VARIABLE = /\{\{\s*(\w+)\s*\}\}/g;

export function readPromptSource(text: string): PromptSource {
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
  return { text, lines, frontMatter, bodyStart, sections, variables };
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
  const yaml = parseDocument(text.slice(start, end), { keepSourceTokens: true, lineCounter: new LineCounter(), prettyErrors: false });
  return { start, end, openLine: 0, closeLine, yaml };
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

/** The front matter as plain data; {} when it is not a map. */
export function frontMatterData(frontMatter: FrontMatter | null): Record<string, unknown> {
  if (!frontMatter || !isMap(frontMatter.yaml.contents)) return {};
  try {
    return (frontMatter.yaml.toJS() ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}
