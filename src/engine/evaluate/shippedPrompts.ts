import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePromptFile, PromptFileError, type PromptFile } from '../../promptfile/promptFile';

/** The prompt library shipped beside the bundle (dist/../prompts) or the sources (src/engine/evaluate/../../../prompts). */
export function shippedPromptsDir(): string {
  const candidates = [resolve(__dirname, '..', 'prompts'), resolve(__dirname, '..', '..', '..', 'prompts')];
  return candidates.find((dir) => existsSync(join(dir, 'reward.prompt.md'))) ?? candidates[0]!;
}

export function loadPromptFile(path: string): PromptFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PromptFileError(path, code === 'ENOENT' ? 'no such prompt file' : code === 'EISDIR' ? 'is a directory, not a prompt file' : `cannot be read (${code})`);
  }
  return parsePromptFile(text, resolve(path));
}

/** `reward` or `critic-detailed` from the shipped library, or a prompt file path. */
export function loadPrompt(nameOrPath: string): PromptFile {
  if (!/[\\/]|\.md$/.test(nameOrPath)) return loadPromptFile(join(shippedPromptsDir(), `${nameOrPath}.prompt.md`));
  return loadPromptFile(nameOrPath);
}
