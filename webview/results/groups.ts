import type { ResultRowView, ResultsSourceView } from '../../src/shared/resultsMessages.js';

/** The rows of one prompt version × model in one results folder: a "run" to filter by, compare or rank. */
export interface RowGroup {
  key: string;
  label: string;
  source: number;
  prompt_id: string;
  prompt_version: string;
  model: string;
  rows: ResultRowView[];
}

/** Stable across reloads (it is kept in the webview state) and unambiguous whatever the names hold. */
export function groupKey(source: number, row: Pick<ResultRowView, 'prompt_id' | 'prompt_version' | 'model'>): string {
  return JSON.stringify([source, row.prompt_id, row.prompt_version, row.model]);
}

/** One prompt version, over every folder: the scope in which models (checkpoints) are ranked against each other. */
export function promptKey(row: Pick<ResultRowView, 'prompt_id' | 'prompt_version'>): string {
  return JSON.stringify([row.prompt_id, row.prompt_version]);
}

export function promptLabel(row: Pick<ResultRowView, 'prompt_id' | 'prompt_version'>): string {
  return `${row.prompt_id || '?'} v${row.prompt_version || '?'}`;
}

function sourceSuffix(source: ResultsSourceView): string {
  return source.id === 0 ? '' : ` [${source.label}]`;
}

export function groupsOf(sources: readonly ResultsSourceView[]): RowGroup[] {
  const groups = new Map<string, RowGroup>();
  for (const source of sources) {
    for (const row of source.rows) {
      const key = groupKey(source.id, row);
      let group = groups.get(key);
      if (!group) {
        const label = `${promptLabel(row)} · ${row.model || '?'}${sourceSuffix(source)}`;
        group = { key, label, source: source.id, prompt_id: row.prompt_id, prompt_version: row.prompt_version, model: row.model, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
    }
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  return [...groups.values()].sort((a, b) => a.source - b.source || collator.compare(a.label, b.label));
}

export interface PromptScope {
  key: string;
  label: string;
  /** The runs to rank: one per model and folder. */
  runs: Array<{ label: string; group: RowGroup }>;
}

/** Groups by prompt version, across folders (checkpoints are often scored into a folder each). */
export function promptScopes(groups: readonly RowGroup[], sources: readonly ResultsSourceView[]): PromptScope[] {
  const scopes = new Map<string, PromptScope>();
  for (const group of groups) {
    const key = promptKey(group);
    let scope = scopes.get(key);
    if (!scope) {
      scope = { key, label: promptLabel(group), runs: [] };
      scopes.set(key, scope);
    }
    const source = sources.find((s) => s.id === group.source);
    scope.runs.push({ label: `${group.model || '?'}${source ? sourceSuffix(source) : ''}`, group });
  }
  return [...scopes.values()];
}

/** The two groups a comparison starts with: the saved ones if they still exist, else the first two. */
export function defaultPair(groups: readonly RowGroup[], savedA: string, savedB: string): [string, string] {
  const has = (key: string) => groups.some((g) => g.key === key);
  const a = has(savedA) ? savedA : (groups[0]?.key ?? '');
  const b = has(savedB) && savedB !== a ? savedB : (groups.find((g) => g.key !== a)?.key ?? '');
  return [a, b];
}
