import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readBandsFile, writeBandsFile } from '../engine/eval/bands';
import { evaluateLabels, type EvalReport } from '../engine/eval/evaluateLabels';
import { evalCsv, evalHtml } from '../engine/eval/evalReportFormats';
import { readMetricsFile } from '../engine/eval/extraMetrics';
import { LABEL_FORMATS, readLabels, type LabelFormat } from '../engine/eval/labels';
import { readResults } from '../engine/eval/resultsSource';
import { writeFileAtomic } from '../engine/store/atomicWrite';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';

export const EVAL_HELP = `cosmos-critic eval <results-dir> --labels FILE [options]

How far to trust the critic: its scores against your labels, per prompt × model in the folder (a batch's --out
folder, or one that score/critique --out wrote results into). Good = physically plausible is the positive class.

Labels (CSV or JSONL, one video per row):
  video        a path under the videos' root, an absolute path, or a file name (must name one video)
  label        good | bad, or a 1–5 plausibility score (good at ≥ --good-at)
  violations   optional: a JSON list of {start_s, end_s, category}
  --labels-format auto|cosmos|videophy2|spotlight   videophy2: VideoPhy-2's CSV (video_url, pc 1–5);
               spotlight: the Spotlight benchmark's metadata.jsonl (pid × video_from rows), or per video
               a list of timestamped errors (no error = good). Default: auto.

Numbers: n, ROC AUC with a bootstrap 95 % interval, PR AUC (average precision), accuracy and confusion at the bands,
the best threshold (Youden's J) with its balanced accuracy, band cut-offs for a target precision, expected
calibration error with a reliability diagram, Pearson and Spearman against 1–5 labels, and for violation times
precision / recall / F1 at temporal IoU 0.3 and 0.5 with the mean start error. Videos without a label, labels
without a result, and results without a usable score (failed, or no trial parsed) are counted and listed.

Options:
  --labels FILE            the labels (required)
  --metrics FILE           other per-video metrics (CSV/JSONL: video + numeric columns), correlated with the score
  --format json|csv|html   json (default) and csv go to stdout unless --out; html goes to <results-dir>/eval.html
  --out FILE               where to write the evaluation
  --bands FILE             band cut-offs to evaluate at (default 0.7 / 0.3)
  --target-precision P     precision the suggested bands aim for (default 0.9)
  --write-bands FILE       save the suggested bands, for score/batch/report --bands (needs one run in the folder)
  --good-at N              a 1–5 label at or above N is good (default 4, as VideoPhy-2 counts PC ≥ 4)
  --bootstrap N            bootstrap rounds for the AUC interval (default 1000, fewer above 20,000 videos
                           but at least 200; 0: none)
  --seed N                 bootstrap seed (default 1)
  --videos-root DIR        what relative label paths are under (default: the batch's videos root)`;

function number(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${raw}"`);
  return n;
}

function summaryLine(report: EvalReport): string {
  const parts = report.runs.map((r) => {
    const ci = r.roc_auc_ci95 ? ` [${r.roc_auc_ci95.low.toFixed(3)}, ${r.roc_auc_ci95.high.toFixed(3)}]` : '';
    return `${r.prompt_id} v${r.prompt_version} · ${r.model}: n ${r.n}, ROC AUC ${r.roc_auc?.toFixed(3) ?? '–'}${ci}, unscored ${r.unscored.length}`;
  });
  return `eval: ${report.labels.total} labels · ${report.labels_without_result.length} without a result · ${report.labels_ambiguous.length} ambiguous · ${report.results_without_label.length} videos without a label\n${parts.map((p) => `  ${p}`).join('\n')}`;
}

export async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      labels: { type: 'string' },
      'labels-format': { type: 'string' },
      metrics: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      bands: { type: 'string' },
      'target-precision': { type: 'string' },
      'write-bands': { type: 'string' },
      'good-at': { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      'videos-root': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('eval takes one results folder');
  if (!values.labels) throw new UsageError('eval needs --labels FILE (CSV or JSONL: video, label, optional violations)');
  const dir = resolve(positionals[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder: pass a batch's --out folder, or the folder score --out wrote results into`);
  const format = values.format ?? 'json';
  if (!['json', 'csv', 'html'].includes(format)) throw new UsageError('--format must be json, csv or html');
  const labelsFormat = (values['labels-format'] ?? 'auto') as LabelFormat;
  if (!LABEL_FORMATS.includes(labelsFormat)) throw new UsageError(`--labels-format must be one of ${LABEL_FORMATS.join(', ')}`);
  const goodAt = number('good-at', values['good-at'], 4, (n) => n >= 1 && n <= 5, 'a number from 1 to 5');
  const targetPrecision = number('target-precision', values['target-precision'], 0.9, (n) => n > 0 && n <= 1, 'a number in (0, 1]');
  const bootstrapRounds = values.bootstrap === undefined ? undefined : number('bootstrap', values.bootstrap, 1000, (n) => Number.isInteger(n) && n >= 0 && n <= 100_000, 'an integer from 0 to 100000');
  const seed = number('seed', values.seed, 1, Number.isInteger, 'an integer');

  const labels = await readLabels(resolve(values.labels), { format: labelsFormat, goodAt });
  const metrics = values.metrics ? await readMetricsFile(resolve(values.metrics)) : undefined;
  const bands = values.bands ? await readBandsFile(resolve(values.bands)) : undefined;
  const results = await readResults(dir);
  if (results.results.length === 0) throw new Error(`${dir}: no results in it; run "cosmos-critic batch … --out ${positionals[0]}" first`);
  if (values['videos-root']) results.videos_root = resolve(values['videos-root']);
  const report = evaluateLabels(results, labels, { bands, targetPrecision, bootstrapRounds, seed, metrics });
  if (report.runs.length === 0) {
    const example = results.results[0]!.video;
    throw new Error(`${labels.file}: none of its ${labels.labels.length} labels names a video of ${dir} (first label: "${labels.labels[0]!.video}"; videos look like ${example}, root ${results.videos_root}); name videos by a path under that root or by file name`);
  }
  if (values['write-bands']) {
    if (report.runs.length !== 1) throw new UsageError(`--write-bands needs one prompt × model run; ${dir} holds ${report.runs.length}`);
    const run = report.runs[0]!;
    const s = run.suggested_bands;
    if (s.high === null || s.low === null) throw new Error(`no cut-off reaches precision ${targetPrecision} on ${run.n} videos (high ${s.high ?? 'none'}, low ${s.low ?? 'none'}); lower --target-precision`);
    await writeBandsFile(resolve(values['write-bands']), { high: s.high, low: s.low }, { results_dir: dir, labels: labels.file, prompt_id: run.prompt_id, prompt_version: run.prompt_version, model: run.model, target_precision: targetPrecision, n: run.n, created_at: report.generated_at });
    io.log(`bands high ≥ ${s.high}, low < ${s.low} → ${resolve(values['write-bands'])}`);
  }
  const out = values.out ? resolve(values.out) : format === 'html' ? join(dir, 'eval.html') : undefined;
  const text = format === 'json' ? JSON.stringify(report, null, 2) + '\n' : format === 'csv' ? evalCsv(report) : evalHtml(report, out!);
  if (out) {
    await writeFileAtomic(out, text);
    io.stdout(`${out}\n`);
  } else io.stdout(text);
  io.log(summaryLine(report));
  return 0;
}
