/** The evaluation the results browser's Calibration tab shows, and its validator (webview side). */
import type { EvalReport } from '../engine/eval/evalReport';
import { isNumberOrNull, isObject } from './guards';

export type CalibrationView = EvalReport;


function isRun(v: unknown): boolean {
  if (!isObject(v)) return false;
  return (
    typeof v.prompt_id === 'string' &&
    typeof v.model === 'string' &&
    typeof v.n === 'number' &&
    typeof v.n_unscored === 'number' &&
    isNumberOrNull(v.roc_auc) &&
    Array.isArray(v.roc_curve) &&
    v.roc_curve.every((p) => isObject(p) && typeof p.fpr === 'number' && typeof p.tpr === 'number') &&
    Array.isArray(v.reliability) &&
    Array.isArray(v.disagreements) &&
    v.disagreements.every((d) => isObject(d) && typeof d.video === 'string' && typeof d.result_file === 'string' && typeof d.score === 'number') &&
    Array.isArray(v.metrics) &&
    v.metrics.every((m) => isObject(m) && typeof m.name === 'string' && Array.isArray(m.points) && m.points.every((p) => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number')) &&
    isObject(v.bands) &&
    isObject(v.suggested_bands)
  );
}

export function isCalibrationView(value: unknown): value is CalibrationView {
  return (
    isObject(value) &&
    value.schema === 'cosmos-critic/eval@1' &&
    typeof value.labels_file === 'string' &&
    isObject(value.counts) &&
    ['labels_without_result', 'labels_ambiguous', 'results_without_label'].every((k) => typeof (value.counts as Record<string, unknown>)[k] === 'number') &&
    Array.isArray(value.runs) &&
    value.runs.every(isRun)
  );
}
