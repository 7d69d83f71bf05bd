// Band cut-offs (high / medium / low): the defaults every side starts from, and the bands a view is drawn with.
// No Node, so that the engine, the extension and the webviews share them.
import type { Band } from './result';
import { isFiniteNumber, isObject, isStringOrNull } from './guards';

/** Band cut-offs: a score at or above `high` is high, below `low` is low, between is medium. */
export interface Bands {
  /** Score at or above: high. */
  high: number;
  /** Score below: low. Between: medium. */
  low: number;
}

/** The bands a prompt's results get unless calibrated ones are set. */
export const DEFAULT_BANDS: Bands = { high: 0.7, low: 0.3 };

export function bandWith(score: number, bands: Bands): Band {
  if (score >= bands.high) return 'high';
  if (score >= bands.low) return 'medium';
  return 'low';
}

/** The bands in force for a view, and where they come from: a bands file (calibrated), or null for the defaults. */
export interface BandsView extends Bands {
  file: string | null;
}

export const DEFAULT_BANDS_VIEW: BandsView = { ...DEFAULT_BANDS, file: null };

export function isBandsView(value: unknown): value is BandsView {
  return (
    isObject(value) &&
    isFiniteNumber(value.high) &&
    isFiniteNumber(value.low) &&
    value.low >= 0 &&
    value.high <= 1 &&
    value.low <= value.high &&
    isStringOrNull(value.file) &&
    (value.file === null || value.file.length <= 4096)
  );
}

const cut = (n: number) => String(Number(n.toFixed(4)));

/** "high ≥ 0.7, low < 0.3 (calibrated: bands.json)" — what a legend or tooltip says about the bands in force. */
export function bandsDescription(bands: BandsView): string {
  const name = bands.file ? bands.file.split(/[\\/]/).pop() : null;
  return `high ≥ ${cut(bands.high)}, medium ${cut(bands.low)}–${cut(bands.high)}, low < ${cut(bands.low)} (${name ? `calibrated: ${name}` : 'default bands'})`;
}

export const formatCutoff = cut;
