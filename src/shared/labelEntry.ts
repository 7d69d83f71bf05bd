// The labels file's rows (what `cosmos-critic eval --labels` reads and review mode writes): types only, for every side.

export type LabelValue = 'good' | 'bad' | 1 | 2 | 3 | 4 | 5;

export interface LabelledViolation {
  start_s: number;
  end_s: number;
  category: string;
  /** "critic": one of the critic's, accepted (its times possibly corrected); "added": one the reviewer added. */
  source?: 'critic' | 'added';
  /** Which of the result's violations it is (source "critic"), so a reopened review shows the decision again. */
  critic_index?: number;
  description?: string;
}

/** One row of the labels file. */
export interface LabelEntry {
  video: string;
  label: LabelValue;
  /** The violations the reviewer confirms: the ground truth `eval` scores timestamps against. */
  violations: LabelledViolation[];
  /** Critic violations the reviewer rejected (kept for calibration; `eval` ignores the field). */
  rejected_violations?: LabelledViolation[];
  labeled_by: string;
  /** ISO time of the change; on a conflict the later change of a video wins. */
  labeled_at: string;
}

export const isLabelValue = (value: unknown): value is LabelValue => value === 'good' || value === 'bad' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5);
