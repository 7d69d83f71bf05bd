import type { YesNo } from '../../shared/result';

// Leading decoration a model puts before the word itself: spaces, quotes, markdown emphasis, bullets.
const LEADING = /^[\s"'`*_>#:\-–—([{]*/;

/**
 * Reads "Yes" or "No" from the start of a model's short answer ("yes", " No.", "**No**", "Yes, the ball…").
 * The template itself ("Yes|No") and anything else give null.
 */
export function readYesNo(text: string): YesNo | null {
  const rest = text.replace(LEADING, '');
  if (/^yes\s*\|\s*no\b/i.test(rest) || /^no\s*\|\s*yes\b/i.test(rest)) return null;
  const word = /^(yes|no)\b/i.exec(rest);
  if (!word) return null;
  return word[1]!.toLowerCase() === 'yes' ? 'Yes' : 'No';
}

/** Like readYesNo, for an anomaly flag, where models also write "None" or "True"/"False". */
export function readAnomalyFlag(text: string): YesNo | null {
  const direct = readYesNo(text);
  if (direct) return direct;
  const rest = text.replace(LEADING, '');
  if (/^(none|false)\b/i.test(rest)) return 'No';
  if (/^true\b/i.test(rest)) return 'Yes';
  return null;
}
