import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { renderTemplate } from '../../promptfile/promptFile';
import { describeValue, keysAt, SECTIONS, TEMPLATE_VARIABLES, type KeySpec } from '../../promptfile/promptSchema';
import { frontMatterData, readPromptSource, type PromptSource } from '../../promptfile/promptSource';

type YamlPair = Pair<Node, Node | null>;

/** Explains the key, value, category, section heading or {{variable}} under the cursor. */
export function promptHover(text: string, position: Position): Hover | null {
  const source = readPromptSource(text);
  const offset = source.lines.offsetAt(position);
  const frontMatter = source.frontMatter;
  if (frontMatter && offset >= frontMatter.start && offset < frontMatter.end) {
    return isMap(frontMatter.yaml.contents) ? mapHover(source, frontMatter.yaml.contents.items as YamlPair[], [], offset) : null;
  }
  const variable = source.variables.find((use) => use.start <= offset && offset < use.end);
  if (variable) {
    const doc = TEMPLATE_VARIABLES[variable.name];
    if (!doc) return null;
    const meta = frontMatterData(frontMatter);
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const value = renderTemplate(`{{${variable.name}}}`, { focus: list(meta.focus), ignore: list(meta.ignore), domain: typeof meta.domain === 'string' ? meta.domain : null });
    return hover(source, variable.start, variable.end, `**{{${variable.name}}}**: ${doc}\n\nHere: ${value ? `"${value}"` : '*(empty)*'}`);
  }
  const section = source.sections.find((s) => s.headingStart <= offset && offset < s.headingEnd);
  const sectionDoc = section && SECTIONS[section.name];
  return section && sectionDoc ? hover(source, section.headingStart, section.headingEnd, `**## ${section.name}**: ${sectionDoc}`) : null;
}

function mapHover(source: PromptSource, pairs: YamlPair[], parent: string[], offset: number): Hover | null {
  const keys = keysAt(parent);
  if (!keys) return null;
  for (const pair of pairs) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
    const name = pair.key.value;
    const spec = Object.hasOwn(keys, name) ? keys[name]! : undefined;
    if (!spec) continue;
    const path = [...parent, name];
    const [keyStart, keyEnd] = span(source, pair.key);
    if (keyStart <= offset && offset < keyEnd) return hover(source, keyStart, keyEnd, keyDoc(path, spec));
    const value = pair.value;
    if (!value?.range) continue;
    const [valueStart, valueEnd] = span(source, value);
    if (offset < valueStart || offset >= valueEnd) continue;
    if (isMap(value)) return mapHover(source, value.items as YamlPair[], path, offset);
    if (isScalar(value) && spec.value.kind === 'enum') {
      const doc = spec.value.values[String(value.value)];
      return doc ? hover(source, valueStart, valueEnd, `**${String(value.value)}**: ${doc}`) : null;
    }
    if (isSeq(value) && spec.value.kind === 'categories') {
      const categories = spec.value.categories;
      for (const node of value.items as Node[]) {
        const [start, end] = span(source, node);
        const doc = isScalar(node) ? categories[String(node.value)] : undefined;
        if (start <= offset && offset < end && doc) return hover(source, start, end, `**${String((node as { value: unknown }).value)}** (${name} category): ${doc}`);
      }
    }
    return null;
  }
  return null;
}

function keyDoc(path: string[], spec: KeySpec): string {
  const lines = [`**${path.join('.')}**${spec.required ? ' (required)' : ''}: ${describeValue(spec.value)}`, '', spec.doc];
  if (spec.value.kind === 'enum') lines.push('', ...Object.entries(spec.value.values).map(([name, doc]) => `- \`${name}\`: ${doc}`));
  if (spec.value.kind === 'categories') lines.push('', ...Object.entries(spec.value.categories).map(([name, doc]) => `- \`${name}\`: ${doc}`));
  return lines.join('\n');
}

function span(source: PromptSource, node: Node): [number, number] {
  const base = source.frontMatter?.start ?? 0;
  const [start, end] = node.range ?? [0, 0];
  return [base + start, base + end];
}

function hover(source: PromptSource, start: number, end: number, markdown: string): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: source.lines.range(start, end) };
}
