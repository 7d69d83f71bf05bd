import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { CompletionItemKind, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver';
import { describeValue, keysAt, keySpec, type KeySpec } from '../../promptfile/promptSchema';
import { pairAt, readPromptSource, type PromptSource } from '../../promptfile/promptSource';
import { completionContextAt, type CompletionContext } from './completionContext';

/** VS Code's command to open the suggestion list again, so a value list follows its key. */
const SUGGEST_AGAIN = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

/** Completions at a position of a prompt file; `videos` are the workspace-relative paths offered inside `pin`. */
export function promptCompletions(text: string, position: Position, videos: readonly string[]): CompletionItem[] {
  const source = readPromptSource(text);
  const context = completionContextAt(source, source.lines.offsetAt(position));
  return context ? completionItems(source, context, videos) : [];
}

/** Whether a completion context lists workspace videos (so the caller looks them up only then). */
export function wantsVideos(context: CompletionContext): boolean {
  return context.kind !== 'key' && context.path.length === 1 && context.path[0] === 'pin';
}

export function completionItems(source: PromptSource, context: CompletionContext, videos: readonly string[]): CompletionItem[] {
  const range = source.lines.range(context.start, context.end);
  // Right after a colon a value needs a space before it to stay YAML.
  const lead = source.text[context.start - 1] === ':' ? ' ' : '';
  if (context.kind === 'key') return keyItems(source, context, range);
  const spec = keySpec(context.path);
  if (!spec) return [];
  const present = presentItems(source, context);
  const bracket = context.kind === 'value' ? (s: string) => `${lead}[${s}]` : (s: string) => s;
  switch (spec.value.kind) {
    case 'enum':
      if (context.kind !== 'value') return [];
      return Object.entries(spec.value.values).map(([name, doc]) => item(name, CompletionItemKind.EnumMember, range, lead + name, doc));
    case 'categories':
      return Object.entries(spec.value.categories)
        .filter(([name]) => !present.has(name))
        .map(([name, doc]) => item(name, CompletionItemKind.EnumMember, range, bracket(name), doc));
    case 'paths':
      return videos
        .filter((video) => !present.has(video))
        .map((video) => item(video, CompletionItemKind.File, range, bracket(yamlPath(video)), 'Workspace video'));
    default:
      if (context.kind !== 'value') return [];
      return (spec.examples ?? []).map((example) => item(example, CompletionItemKind.Value, range, lead + example, spec.doc));
  }
}

function keyItems(source: PromptSource, context: Extract<CompletionContext, { kind: 'key' }>, range: Range): CompletionItem[] {
  const keys = keysAt(context.parent);
  if (!keys) return [];
  const present = presentKeys(source, context);
  return Object.entries(keys)
    .filter(([name]) => !present.has(name))
    .map(([name, spec], i) => ({
      ...item(name, CompletionItemKind.Property, range, context.colonFollows ? name : `${name}: `, spec.doc),
      detail: describeValue(spec.value),
      // Required keys first, the rest in the schema's order.
      sortText: `${spec.required ? 0 : 1}${String(i).padStart(2, '0')}`,
      ...(!context.colonFollows && offersValues(spec) && { command: SUGGEST_AGAIN }),
    }));
}

function offersValues(spec: KeySpec): boolean {
  return spec.value.kind === 'enum' || (spec.examples?.length ?? 0) > 0;
}

function item(label: string, kind: CompletionItemKind, range: Range, newText: string, doc: string): CompletionItem {
  return { label, kind, textEdit: { range, newText }, documentation: { kind: MarkupKind.Markdown, value: doc } };
}

/** Keys already written in the map being completed, except the one under the cursor. */
function presentKeys(source: PromptSource, context: { parent: string[]; start: number }): Set<string> {
  const map = context.parent.length ? pairAt(source.frontMatter, context.parent)?.value : source.frontMatter?.yaml.contents;
  if (!isMap(map)) return new Set();
  return new Set(
    (map.items as Array<Pair<Node, Node | null>>)
      .filter((pair) => isScalar(pair.key) && !covers(source, pair.key, context.start))
      .map((pair) => String((pair.key as { value: unknown }).value)),
  );
}

/** Items already in the list being completed, except the one under the cursor. */
function presentItems(source: PromptSource, context: { path: string[]; start: number }): Set<string> {
  const list = pairAt(source.frontMatter, context.path)?.value;
  if (!isSeq(list)) return new Set();
  return new Set((list.items as Node[]).filter((node) => isScalar(node) && !covers(source, node, context.start)).map((node) => String((node as { value: unknown }).value)));
}

function covers(source: PromptSource, node: Node, offset: number): boolean {
  const base = source.frontMatter?.start ?? 0;
  return !!node.range && base + node.range[0] <= offset && offset <= base + node.range[1];
}

/** A path as a YAML scalar: plain when it reads back unchanged, else double-quoted. */
function yamlPath(path: string): string {
  return /^[\w./-]+$/.test(path) && !/^[-.]/.test(path) ? path : JSON.stringify(path);
}
