import { describeLimit, withinLimit, type Limit } from '../shared/limits';
import { UsageError } from './usageError';

/** A numeric flag's value, checked against its limit: `--concurrency must be a whole number from 1 to 64, got "0"`. */
export function numberFlag(name: string, raw: string | undefined, limit: Limit): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!withinLimit(value, limit)) throw new UsageError(`--${name} must be ${describeLimit(limit)}, got "${raw}"`);
  return value;
}
