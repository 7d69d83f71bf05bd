import type { LineIndex, Range } from './textPosition';

export type PromptDiagnosticCode =
  | 'file-too-large'
  | 'front-matter-missing'
  | 'front-matter-unclosed'
  | 'yaml-syntax'
  | 'not-a-map'
  | 'unknown-key'
  | 'missing-key'
  | 'missing-value'
  | 'wrong-type'
  | 'invalid-value'
  | 'unknown-category'
  | 'conflicting-settings'
  | 'ignored-setting'
  | 'profile-mismatch'
  | 'missing-section'
  | 'empty-section'
  | 'duplicate-section'
  | 'unknown-section'
  | 'unknown-variable'
  | 'empty-variable'
  | 'pin-not-relative'
  | 'pin-not-video'
  | 'pin-not-found'
  | 'text-changed'
  | 'too-many-problems';

export interface PromptDiagnostic {
  code: PromptDiagnosticCode;
  severity: 'error' | 'warning';
  message: string;
  range: Range;
  /** The front-matter key the problem is about, e.g. ['video', 'fps']. */
  path?: string[];
  /** Text that would fix the problem when it replaces `range` (a "did you mean" name). */
  replacement?: string;
}

/** Collects diagnostics given as file offsets. */
export class DiagnosticList {
  readonly items: PromptDiagnostic[] = [];

  constructor(private readonly lines: LineIndex) {}

  add(
    code: PromptDiagnosticCode,
    severity: PromptDiagnostic['severity'],
    start: number,
    end: number,
    message: string,
    extra: Pick<PromptDiagnostic, 'path' | 'replacement'> = {},
  ): void {
    // Block collections end after their last line break: a range stops at the last visible character.
    const text = this.lines.text;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    this.items.push({ code, severity, message, range: this.lines.range(start, end), ...extra });
  }

  /** A diagnostic on a whole line (used where nothing narrower exists, such as a missing key). */
  addOnLine(code: PromptDiagnosticCode, severity: PromptDiagnostic['severity'], line: number, message: string, extra: Pick<PromptDiagnostic, 'path'> = {}): void {
    this.add(code, severity, this.lines.lineStart(line), this.lines.lineEnd(line), message, extra);
  }
}
