import { createHash } from 'node:crypto';

/** sha256 of a prompt file's whole text, as results record it (`prompt.sha256`). */
export function promptHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
