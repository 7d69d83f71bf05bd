import type { CriticMode } from '../shared/result';

export interface PromptHeader {
  id: string | null;
  version: string | null;
  mode: CriticMode | null;
  domain: string | null;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---/;

/**
 * The few front-matter keys the quick pick shows, read line by line (the server does the real parsing and
 * validation when the prompt runs). A prompt without `mode` is a critic prompt, as the server reads it;
 * an unknown mode is null. No front matter: all null.
 */
export function readPromptHeader(text: string): PromptHeader {
  const header: PromptHeader = { id: null, version: null, mode: null, domain: null };
  const body = FRONT_MATTER.exec(text)?.[1];
  if (body === undefined) return header;
  let modeGiven = false;
  for (const line of body.split(/\r?\n/)) {
    const match = /^(id|version|mode|domain):\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (!match) continue;
    const value = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
    if (match[1] === 'mode') {
      modeGiven = true;
      header.mode = value === 'reward' || value === 'critic' ? value : null;
    }
    else header[match[1] as 'id' | 'version' | 'domain'] = value || null;
  }
  if (!modeGiven) header.mode = 'critic';
  return header;
}
