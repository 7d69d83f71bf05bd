import { dirname, relative, sep } from 'node:path';
import { bandOf, resultStatus, type CriticResult } from '../../shared/result';
import type { SummaryRow } from '../../shared/summaryRow';

export type { SummaryRow };

export const SUMMARY_COLUMNS: readonly (keyof SummaryRow)[] = [
  'video', 'prompt_id', 'prompt_version', 'model', 'mode', 'status', 'score', 'band', 'anomaly', 'violations', 'categories', 'duration_s', 'error', 'result_file',
];

/** How results name their model in file names and summaries: "<id>-<precision>" locally, the served name remotely. */
export function modelLabelOf(model: CriticResult['model']): string {
  return model.backend === 'onnx' && model.precision ? `${model.id}-${model.precision}` : model.id;
}

export const slug = (text: string): string => text.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';

/** The deepest folder holding every path. */
export function commonRoot(paths: readonly string[]): string {
  if (paths.length === 0) return process.cwd();
  let root = dirname(paths[0]!);
  for (const p of paths) while (root !== dirname(root) && !(p === root || p.startsWith(root + sep))) root = dirname(root);
  return root;
}

export function summaryRow(result: CriticResult, resultFile: string, outDir: string, model: string): SummaryRow {
  const status = resultStatus(result);
  const score = status === 'unparsed' ? null : result.reward?.score ?? result.critic?.score ?? null;
  const categories = [...new Set(result.violations.map((v) => v.category))].sort().join(';');
  return {
    video: result.video.path,
    prompt_id: result.prompt.id,
    prompt_version: String(result.prompt.version),
    model,
    mode: result.mode,
    status,
    score,
    band: result.reward?.band ?? (score === null ? null : bandOf(score)),
    anomaly: result.reward?.anomaly ?? (score === null ? null : score >= 0.5 ? 'No' : 'Yes'),
    violations: result.violations.length,
    categories,
    duration_s: result.video.duration_s,
    error: null,
    result_file: relative(outDir, resultFile).split(sep).join('/'),
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly SummaryRow[]): string {
  return [SUMMARY_COLUMNS.join(','), ...rows.map((r) => SUMMARY_COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}
