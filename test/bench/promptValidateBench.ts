import { validatePromptFile } from '../../src/promptfile/validatePromptFile';
import { MAX_PROMPT_FILE_BYTES } from '../../src/shared/limits';

const BODY = '## system\nCheck {{focus}}.\n## user\nAny anomalies?\n';

/** A prompt file whose front matter is `keys` unknown keys (the shape that used to cost quadratic time). */
const withKeys = (keys: number) => `---\nid: bench\nversion: 1\n${Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join('\n')}\n---\n${BODY}`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * Prompt-file validation on hostile front matter: ms per file for growing key counts (linear growth is the thing to
 * watch: doubling the keys should about double the time), and for a file over the size limit (refused unparsed).
 */
export function promptValidateBench(runs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const keys of [1000, 2000, 4000]) {
    const text = withKeys(keys);
    out[`validate_${keys}_keys_ms`] = median(Array.from({ length: runs }, () => {
      const started = performance.now();
      validatePromptFile(text, { exists: () => true });
      return performance.now() - started;
    }));
  }
  const huge = withKeys(80_000);
  out.oversized_bytes = huge.length;
  out.oversized_limit_bytes = MAX_PROMPT_FILE_BYTES;
  out.validate_oversized_ms = median(Array.from({ length: runs }, () => {
    const started = performance.now();
    validatePromptFile(huge, { exists: () => true });
    return performance.now() - started;
  }));
  return out;
}
