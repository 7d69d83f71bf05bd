// Comparing two results of one video under two versions of a prompt: score, verdict and violations.
import type { CriticResult, Violation, YesNo } from './result';

/** A violation whose start moved by more than this between the two results counts as moved. */
export const MOVE_THRESHOLD_S = 0.5;

/** A violation found by both results. */
export interface MatchedViolation {
  kind: 'same' | 'moved';
  previous: Violation;
  current: Violation;
  /** current − previous start; null when one of them has no time. */
  shift_s: number | null;
}

export type ViolationChange =
  | MatchedViolation
  | { kind: 'added'; current: Violation }
  | { kind: 'removed'; previous: Violation };

export type ViolationChangeKind = ViolationChange['kind'];

export type VerdictLabel = 'Anomaly' | 'No anomaly' | 'Split' | 'No answer';

export interface Verdict {
  label: VerdictLabel;
  /** "Yes" when the result finds an anomaly, "No" when it does not, null when it cannot tell. */
  anomaly: YesNo | null;
}

export interface ResultDelta {
  previousScore: number | null;
  currentScore: number | null;
  /** current − previous; null unless both have a score. */
  scoreDelta: number | null;
  previousVerdict: Verdict | null;
  currentVerdict: Verdict | null;
  verdictChanged: boolean;
  changes: ViolationChange[];
  counts: Record<ViolationChangeKind, number>;
}

export function scoreOf(result: CriticResult): number | null {
  return result.reward?.score ?? result.critic?.score ?? null;
}

/** Reward: the anomaly answer. Critic: the majority of the parsed trials' answers. */
export function verdictOf(result: CriticResult): Verdict {
  if (result.reward) return result.reward.anomaly === 'Yes' ? { label: 'Anomaly', anomaly: 'Yes' } : { label: 'No anomaly', anomaly: 'No' };
  const trials = result.critic?.trials ?? [];
  const yes = trials.filter((trial) => trial.answer === 'Yes').length;
  const no = trials.filter((trial) => trial.answer === 'No').length;
  if (yes + no === 0) return { label: 'No answer', anomaly: null };
  if (yes > no) return { label: 'Anomaly', anomaly: 'Yes' };
  if (no > yes) return { label: 'No anomaly', anomaly: 'No' };
  return { label: 'Split', anomaly: null };
}

function matchKey(violation: Violation): string {
  return `${violation.category.trim().toLowerCase()}\u0000${(violation.component ?? '').trim().toLowerCase()}`;
}

// Pairs without a time on both sides are matched only after every pair with times.
const UNTIMED_COST = 1e9;

function pairCost(a: Violation, b: Violation): number {
  if (a.start_s === null && b.start_s === null) return 0;
  if (a.start_s === null || b.start_s === null) return UNTIMED_COST;
  return Math.abs(a.start_s - b.start_s);
}

function pairChange(previous: Violation, current: Violation): ViolationChange {
  if (previous.start_s === null && current.start_s === null) return { kind: 'same', previous, current, shift_s: null };
  // A violation that gained or lost its time counts as moved.
  if (previous.start_s === null || current.start_s === null) return { kind: 'moved', previous, current, shift_s: null };
  const shift = current.start_s - previous.start_s;
  return { kind: Math.abs(shift) > MOVE_THRESHOLD_S ? 'moved' : 'same', previous, current, shift_s: shift };
}

function sortTime(change: ViolationChange): number {
  const time = change.kind === 'removed' ? change.previous.start_s : change.current.start_s;
  return time ?? Number.POSITIVE_INFINITY;
}

/**
 * Violations matched by category + component. Where several share a key (trials often report the same one),
 * the closest starts are paired first. Unpaired ones in the current result are added, in the previous removed.
 * Sorted by time, untimed last.
 */
export function diffViolations(previous: readonly Violation[], current: readonly Violation[]): ViolationChange[] {
  const candidates: { cost: number; p: number; c: number }[] = [];
  for (let p = 0; p < previous.length; p++) {
    for (let c = 0; c < current.length; c++) {
      if (matchKey(previous[p]!) === matchKey(current[c]!)) candidates.push({ cost: pairCost(previous[p]!, current[c]!), p, c });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost || a.p - b.p || a.c - b.c);
  const pairedPrevious = new Set<number>();
  const pairedCurrent = new Set<number>();
  const changes: { change: ViolationChange; order: number }[] = [];
  for (const { p, c } of candidates) {
    if (pairedPrevious.has(p) || pairedCurrent.has(c)) continue;
    pairedPrevious.add(p);
    pairedCurrent.add(c);
    changes.push({ change: pairChange(previous[p]!, current[c]!), order: c });
  }
  current.forEach((violation, c) => {
    if (!pairedCurrent.has(c)) changes.push({ change: { kind: 'added', current: violation }, order: c });
  });
  previous.forEach((violation, p) => {
    if (!pairedPrevious.has(p)) changes.push({ change: { kind: 'removed', previous: violation }, order: current.length + p });
  });
  changes.sort((a, b) => sortTime(a.change) - sortTime(b.change) || a.order - b.order);
  return changes.map((entry) => entry.change);
}

export function countChanges(changes: readonly ViolationChange[]): Record<ViolationChangeKind, number> {
  const counts: Record<ViolationChangeKind, number> = { added: 0, removed: 0, moved: 0, same: 0 };
  for (const change of changes) counts[change.kind]++;
  return counts;
}

/** What changed from one result to the other; either side may be missing (not run yet, or failed). */
export function compareResults(previous: CriticResult | null, current: CriticResult | null): ResultDelta {
  const previousScore = previous ? scoreOf(previous) : null;
  const currentScore = current ? scoreOf(current) : null;
  const previousVerdict = previous ? verdictOf(previous) : null;
  const currentVerdict = current ? verdictOf(current) : null;
  const changes = previous && current ? diffViolations(previous.violations, current.violations) : [];
  return {
    previousScore,
    currentScore,
    scoreDelta: previousScore !== null && currentScore !== null ? currentScore - previousScore : null,
    previousVerdict,
    currentVerdict,
    verdictChanged: previousVerdict !== null && currentVerdict !== null && previousVerdict.label !== currentVerdict.label,
    changes,
    counts: countChanges(changes),
  };
}
