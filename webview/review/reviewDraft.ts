// What the reviewer has said about one video so far — the label, each violation accepted, rejected, re-timed or
// added — with an undo history: pure data, no DOM. The review view saves the label it gives whenever it changes.
import type { LabelEntry, LabelledViolation, LabelValue } from '../../src/shared/labelEntry.js';
import type { Violation } from '../../src/shared/result.js';

export type Decision = 'accepted' | 'rejected' | null;

export interface DraftViolation {
  source: 'critic' | 'added';
  /** Index in the result's violations, for the critic's. */
  critic_index: number | null;
  category: string;
  description: string;
  start_s: number | null;
  end_s: number | null;
  /** Added violations are accepted; a critic's is undecided until the reviewer says. */
  decision: Decision;
}

export interface ReviewDraft {
  label: LabelValue | null;
  violations: DraftViolation[];
  /** The violation the keys act on; -1 for none. */
  selected: number;
}

export type DraftChange =
  | { type: 'label'; label: LabelValue }
  | { type: 'decide'; index: number; decision: Exclude<Decision, null> }
  | { type: 'retime'; index: number; start_s: number; end_s: number }
  | { type: 'add'; start_s: number; end_s: number; category: string }
  | { type: 'category'; index: number; category: string }
  | { type: 'select'; index: number };

export interface DraftHistory {
  current: ReviewDraft;
  past: ReviewDraft[];
}

const HISTORY_LIMIT = 200;

/**
 * The draft of a video: its critic violations (in time order, untimed last), with the decisions and times of the label
 * saved before, when there is one.
 */
export function draftFromReview(violations: readonly Violation[], saved: Pick<LabelEntry, 'label' | 'violations' | 'rejected_violations'> | null): ReviewDraft {
  const order = violations.map((v, i) => ({ v, i })).sort((a, b) => (a.v.start_s ?? Infinity) - (b.v.start_s ?? Infinity) || a.i - b.i);
  const accepted = new Map<number, LabelledViolation>();
  const rejected = new Set<number>();
  for (const v of saved?.violations ?? []) if (v.source === 'critic' && v.critic_index !== undefined) accepted.set(v.critic_index, v);
  for (const v of saved?.rejected_violations ?? []) if (v.critic_index !== undefined) rejected.add(v.critic_index);
  const draft: DraftViolation[] = order.map(({ v, i }) => {
    const kept = accepted.get(i);
    return {
      source: 'critic',
      critic_index: i,
      category: kept?.category ?? v.category,
      description: v.description,
      start_s: kept ? kept.start_s : v.start_s,
      end_s: kept ? kept.end_s : v.end_s,
      decision: kept ? 'accepted' : rejected.has(i) ? 'rejected' : null,
    };
  });
  for (const v of saved?.violations ?? []) {
    if (v.source === 'critic' && v.critic_index !== undefined && v.critic_index < violations.length) continue;
    draft.push({ source: 'added', critic_index: null, category: v.category, description: v.description ?? '', start_s: v.start_s, end_s: v.end_s, decision: 'accepted' });
  }
  return { label: saved?.label ?? null, violations: draft, selected: draft.length ? 0 : -1 };
}

function applyChange(draft: ReviewDraft, change: DraftChange): ReviewDraft {
  const at = (index: number) => (index >= 0 && index < draft.violations.length ? index : -1);
  const replace = (index: number, patch: Partial<DraftViolation>): ReviewDraft => ({
    ...draft,
    violations: draft.violations.map((v, i) => (i === index ? { ...v, ...patch } : v)),
    selected: index,
  });
  switch (change.type) {
    case 'label':
      return { ...draft, label: change.label };
    case 'decide': {
      if (at(change.index) < 0) return draft;
      if (draft.violations[change.index]!.source === 'critic') return replace(change.index, { decision: change.decision });
      if (change.decision === 'accepted') return draft;
      // Rejecting a violation the reviewer added takes it away.
      const violations = draft.violations.filter((_, i) => i !== change.index);
      return { ...draft, violations, selected: Math.min(change.index, violations.length - 1) };
    }
    case 'retime': {
      if (at(change.index) < 0 || !(change.start_s >= 0) || !(change.end_s >= change.start_s)) return draft;
      // Correcting a critic violation's time accepts it: the reviewer says where it really is.
      return replace(change.index, { start_s: change.start_s, end_s: change.end_s, decision: 'accepted' });
    }
    case 'add': {
      if (!(change.start_s >= 0) || !(change.end_s >= change.start_s)) return draft;
      const added: DraftViolation = { source: 'added', critic_index: null, category: change.category, description: '', start_s: change.start_s, end_s: change.end_s, decision: 'accepted' };
      return { ...draft, violations: [...draft.violations, added], selected: draft.violations.length };
    }
    case 'category':
      return at(change.index) < 0 || !change.category.trim() ? draft : replace(change.index, { category: change.category.trim() });
    case 'select':
      return at(change.index) < 0 ? draft : { ...draft, selected: change.index };
  }
}

/** Applies a change; every change but a selection can be undone. */
export function edit(history: DraftHistory, change: DraftChange): DraftHistory {
  const next = applyChange(history.current, change);
  if (next === history.current) return history;
  if (change.type === 'select') return { ...history, current: next };
  return { current: next, past: [...history.past, history.current].slice(-HISTORY_LIMIT) };
}

export function undo(history: DraftHistory): DraftHistory {
  const previous = history.past.at(-1);
  return previous ? { current: previous, past: history.past.slice(0, -1) } : history;
}

/** The selected violation after moving to the next (+1) or previous (-1) one in time; wraps round. */
export function stepSelection(draft: ReviewDraft, direction: 1 | -1): number {
  const n = draft.violations.length;
  if (n === 0) return -1;
  if (draft.selected < 0) return direction > 0 ? 0 : n - 1;
  return (draft.selected + direction + n) % n;
}

export interface DraftLabel {
  label: LabelValue;
  violations: LabelledViolation[];
  rejected: LabelledViolation[];
}

const written = (v: DraftViolation): LabelledViolation => {
  const out: LabelledViolation = { start_s: v.start_s!, end_s: v.end_s ?? v.start_s!, category: v.category, source: v.source };
  if (v.critic_index !== null) out.critic_index = v.critic_index;
  if (v.description) out.description = v.description;
  return out;
};

/**
 * The label to save, once the video has one: the violations the reviewer accepted or added (with times; `eval`
 * scores times) and the critic's that were rejected. Undecided violations are written nowhere.
 */
export function labelFromDraft(draft: ReviewDraft): DraftLabel | null {
  if (draft.label === null) return null;
  const timed = draft.violations.filter((v) => v.start_s !== null);
  return {
    label: draft.label,
    violations: timed.filter((v) => v.decision === 'accepted').map(written),
    rejected: timed.filter((v) => v.decision === 'rejected' && v.source === 'critic').map(written),
  };
}

/** How many of the critic's violations still wait for a decision. */
export const undecided = (draft: ReviewDraft) => draft.violations.filter((v) => v.decision === null).length;
