/**
 * The keys of review mode, in one table: the review view dispatches with it and shows it, and the README lists it.
 * Keys are `KeyboardEvent.key` values; "Shift+" marks a key that needs Shift.
 */
export const REVIEW_ACTIONS = [
  'nextVideo',
  'previousVideo',
  'playPause',
  'nextViolation',
  'previousViolation',
  'frameForward',
  'frameBack',
  'markGood',
  'markBad',
  'score1',
  'score2',
  'score3',
  'score4',
  'score5',
  'accept',
  'reject',
  'addSpan',
  'zoomIn',
  'zoomOut',
  'zoomReset',
  'undo',
  'help',
] as const;

export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export interface KeyBinding {
  action: ReviewAction;
  keys: readonly string[];
  /** What the key does, as the view shows it. */
  description: string;
}

export const REVIEW_KEYMAP: readonly KeyBinding[] = [
  { action: 'nextVideo', keys: ['j', 'PageDown'], description: 'Next video' },
  { action: 'previousVideo', keys: ['k', 'PageUp'], description: 'Previous video' },
  { action: 'playPause', keys: [' '], description: 'Play or pause' },
  { action: 'nextViolation', keys: ['n'], description: 'Next violation (seeks to it)' },
  { action: 'previousViolation', keys: ['Shift+N', 'p'], description: 'Previous violation' },
  { action: 'frameForward', keys: ['.', 'ArrowRight'], description: 'One frame forward' },
  { action: 'frameBack', keys: [',', 'ArrowLeft'], description: 'One frame back' },
  { action: 'markGood', keys: ['g'], description: 'Mark the video good' },
  { action: 'markBad', keys: ['b'], description: 'Mark the video bad' },
  { action: 'score1', keys: ['1'], description: 'Plausibility 1 (implausible)' },
  { action: 'score2', keys: ['2'], description: 'Plausibility 2' },
  { action: 'score3', keys: ['3'], description: 'Plausibility 3' },
  { action: 'score4', keys: ['4'], description: 'Plausibility 4' },
  { action: 'score5', keys: ['5'], description: 'Plausibility 5 (plausible)' },
  { action: 'accept', keys: ['a'], description: 'Accept the selected violation' },
  { action: 'reject', keys: ['r'], description: 'Reject the selected violation' },
  { action: 'addSpan', keys: ['m'], description: 'Add a violation here (then pick its category)' },
  { action: 'zoomIn', keys: ['+', '='], description: 'Zoom the timeline in (or Ctrl+wheel)' },
  { action: 'zoomOut', keys: ['-'], description: 'Zoom the timeline out' },
  { action: 'zoomReset', keys: ['0'], description: 'Show the whole timeline' },
  { action: 'undo', keys: ['u', 'Ctrl+z'], description: 'Undo the last change' },
  { action: 'help', keys: ['?'], description: 'Show or hide these keys' },
];

export interface KeyStroke {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** "Shift+N", "Ctrl+z" or "j" for a key press; Ctrl and Cmd count the same. */
export function keyName(stroke: KeyStroke): string {
  const key = stroke.key.length === 1 && stroke.shiftKey && /[a-z]/i.test(stroke.key) ? `Shift+${stroke.key.toUpperCase()}` : stroke.key;
  return stroke.ctrlKey || stroke.metaKey ? `Ctrl+${key.toLowerCase()}` : key;
}

const BY_KEY = new Map<string, ReviewAction>(REVIEW_KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** The action of a key press, or undefined for keys review mode leaves alone (Alt combinations, Tab, Enter, …). */
export function reviewActionFor(stroke: KeyStroke): ReviewAction | undefined {
  if (stroke.altKey) return undefined;
  return BY_KEY.get(keyName(stroke));
}

/** How a key is written in the view: "Space", "→", "Shift+N". */
export function keyLabel(key: string): string {
  const names: Record<string, string> = { ' ': 'Space', ArrowRight: '→', ArrowLeft: '←', PageDown: 'Page Down', PageUp: 'Page Up' };
  return names[key] ?? key;
}

export const scoreOf = (action: ReviewAction): 1 | 2 | 3 | 4 | 5 | undefined => {
  const m = /^score([1-5])$/.exec(action);
  return m ? (Number(m[1]) as 1 | 2 | 3 | 4 | 5) : undefined;
};
