import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readBandsFile } from '../engine/eval/bands';
import { evaluateLabels } from '../engine/eval/evaluateLabels';
import { EVAL_STYLE, evalSectionsHtml } from '../engine/eval/evalReportFormats';
import { readLabels } from '../engine/eval/labels';
import { readMetricsFile } from '../engine/eval/extraMetrics';
import { joinReportMetrics, reportCsvWithMetrics, reportHtmlWithMetrics } from '../engine/eval/reportMetrics';
import { readResults, videosRootOf } from '../engine/eval/resultsSource';
import { writeFileAtomic } from '../engine/store/atomicWrite';
import { compareRuns, rankRuns } from '../engine/store/compareRuns';
import { ResultStore } from '../engine/store/resultStore';
import { buildReport, reportCsv, reportHtml, type ResultFileProblem } from '../engine/store/runReport';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';

export const REPORT_HELP = `cosmos-critic report <results-dir> [--format json|csv|html] [--out FILE]
cosmos-critic report <results-dir> --compare <other-results-dir>

Summarises a results folder (as written by "batch"): per prompt × model the count, failures, mean and
median score, bands, violation categories and a score histogram; and one row per video. json and csv go
to stdout unless --out; html (a single file that works offline) goes to <results-dir>/report.html.
--compare pairs two runs (two models, checkpoints or prompt versions) by video: Spearman and Kendall
rank correlation, verdict agreement, the biggest disagreements first, and both runs ranked by mean
score with 95 % confidence intervals (JSON).
--bands FILE counts bands with cut-offs from "cosmos-critic eval --write-bands" instead of 0.7 / 0.3.
--metrics FILE joins other per-video metrics (CSV/JSONL: video + numeric columns) into the rows, with their
Pearson and Spearman correlation with the score.
--labels FILE adds the evaluation against your labels ("cosmos-critic eval --help"): ROC curve, reliability
diagram, confusion at the bands, violation times (JSON: an "evaluation" field).
A result file that is damaged, cut short or incomplete is named on stderr (and in the report), the others
are still counted, and the exit code is 1.`;

function resultsFolder(arg: string): string {
  const dir = resolve(arg);
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(new ResultStore(dir).resultsDir)) {
    throw new UsageError(`${dir} is not a results folder (no results/ inside): pass the --out folder of a batch, score or critique run`);
  }
  return dir;
}

export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' }, bands: { type: 'string' }, metrics: { type: 'string' }, labels: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('report takes one results folder');
  const dir = resultsFolder(positionals[0]!);
  if (values.compare) {
    const other = resultsFolder(values.compare);
    const [a, b] = [await buildReport(dir), await buildReport(other)];
    const comparison = { a: dir, b: other, ...compareRuns(a.rows, b.rows), ranking: rankRuns([{ label: dir, rows: a.rows }, { label: other, rows: b.rows }]), unreadable: [...a.problems, ...b.problems] };
    io.stdout(JSON.stringify(comparison, null, 2) + '\n');
    return reportProblems(comparison.unreadable, io);
  }
  const format = values.format ?? 'json';
  if (!['json', 'csv', 'html'].includes(format)) throw new UsageError('--format must be json, csv or html');
  const bands = values.bands ? await readBandsFile(resolve(values.bands)) : undefined;
  const table = values.metrics ? await readMetricsFile(resolve(values.metrics)) : undefined;
  const report = await buildReport(dir, bands);
  const metrics = table ? joinReportMetrics(report, table, await videosRootOf(dir, report.rows.map((r) => r.video))) : undefined;
  const evaluation = values.labels ? evaluateLabels(await readResults(dir), await readLabels(resolve(values.labels)), { bands, metrics: table }) : undefined;
  const out = values.out ?? (format === 'html' ? join(dir, 'report.html') : undefined);
  let text: string;
  if (format === 'json') text = JSON.stringify({ ...report, ...(metrics ? { metrics } : {}), ...(evaluation ? { evaluation } : {}) }, null, 2) + '\n';
  else if (format === 'csv') text = metrics ? reportCsvWithMetrics(report, metrics) : reportCsv(report);
  else {
    text = metrics ? reportHtmlWithMetrics(reportHtml(report, resolve(out!)), report, metrics) : reportHtml(report, resolve(out!));
    if (evaluation) {
      const section = `<section id="evaluation"><h2>Against your labels</h2>${evalSectionsHtml(evaluation, resolve(out!))}</section>\n`;
      text = text.replace('</style>', () => `${EVAL_STYLE}</style>`).replace(/<h2>Videos \(lowest score first\)<\/h2>/, (heading) => section + heading);
    }
  }
  if (out) {
    await writeFileAtomic(resolve(out), text);
    io.stdout(`${resolve(out)}\n`);
  } else io.stdout(text);
  return reportProblems(report.problems, io);
}

/** One line per result file that was not counted; exit 1 when there are any, so a script notices the gap. */
function reportProblems(problems: readonly ResultFileProblem[], io: CliIo): number {
  for (const p of problems) io.reportError(new Error(p.problem), p.file);
  return problems.length > 0 ? 1 : 0;
}
