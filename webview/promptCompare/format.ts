import type { ResultDelta, Verdict } from '../../src/shared/promptCompare.js';
import type { CriticResult, Violation } from '../../src/shared/result.js';

export function fileName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

export function formatScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(3);
}

/** "+0.120", "−0.300" (a real minus sign), "±0.000". */
export function formatDelta(delta: number): string {
  const text = Math.abs(delta).toFixed(3);
  if (text === '0.000') return `±${text}`;
  return `${delta > 0 ? '+' : '−'}${text}`;
}

export function formatTime(violation: Violation): string {
  if (violation.start_s === null) return 'no time';
  const start = violation.start_s.toFixed(1);
  if (violation.end_s === null || Math.abs(violation.end_s - violation.start_s) < 0.05) return `${start} s`;
  return `${start}–${violation.end_s.toFixed(1)} s`;
}

export function formatShift(shift: number | null): string {
  if (shift === null) return 'time changed';
  return `${shift > 0 ? '+' : '−'}${Math.abs(shift).toFixed(1)} s`;
}

export function verdictText(verdict: Verdict, result: CriticResult): string {
  return result.reward ? `${verdict.label} (${result.reward.band})` : verdict.label;
}

export function scoreDirection(delta: ResultDelta): 'up' | 'down' | 'same' | 'none' {
  if (delta.scoreDelta === null) return 'none';
  if (Math.abs(delta.scoreDelta) < 0.0005) return 'same';
  return delta.scoreDelta > 0 ? 'up' : 'down';
}

export function changeCounts(delta: ResultDelta): string {
  const { added, removed, moved, same } = delta.counts;
  return `${added} added · ${removed} removed · ${moved} moved · ${same} unchanged`;
}

export function resultMeta(result: CriticResult): string {
  const created = Number.isNaN(Date.parse(result.created_at)) ? result.created_at : new Date(result.created_at).toLocaleString();
  return `v${result.prompt.version} · sha256 ${result.prompt.sha256.slice(0, 8)} · ${result.model.id} on ${result.model.device} · ${created}`;
}
