/** An allowed range for a number that comes from outside (a flag or a request field). */
export interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
  /** The minimum itself is not allowed (e.g. top_p in (0, 1]). */
  exclusiveMin?: boolean;
}

export function describeRange(range: NumberRange): string {
  return `${range.integer ? 'an integer' : 'a number'} in ${range.exclusiveMin ? '(' : '['}${range.min}, ${range.max}]`;
}

/** Whether `value` is a number inside `range`. */
export function inRange(value: unknown, range: NumberRange): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (range.integer && !Number.isInteger(value)) return false;
  return (range.exclusiveMin ? value > range.min : value >= range.min) && value <= range.max;
}

/** `"name must be an integer in [1, 4096], got 1e12"`, or null when the value is fine. */
export function rangeProblem(name: string, value: unknown, range: NumberRange): string | null {
  if (inRange(value, range)) return null;
  return `${name} must be ${describeRange(range)}, got ${value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value)}`;
}
