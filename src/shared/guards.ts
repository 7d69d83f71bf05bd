// Type guards for values from outside (webview messages, saved state, files): the one set every validator uses.
// No Node and no DOM, so that the webviews, the extension host, the server and the engine can all import it.

export type Json = Record<string, unknown>;

/** A plain object: not null, not a list. */
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export const isString = (value: unknown): value is string => typeof value === 'string';

export const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** A number that is neither NaN nor infinite. */
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export const isNumberOrNull = (value: unknown): value is number | null => value === null || isFiniteNumber(value);

export const isNumberArray = (value: unknown): value is number[] => Array.isArray(value) && value.every(isFiniteNumber);

/** An integer ≥ 0 (an index, a count). */
export const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
