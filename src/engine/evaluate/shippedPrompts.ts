import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePromptFile, PromptFileError, type PromptFile } from '../../promptfile/promptFile';
import { tooLargeMessage } from '../../promptfile/validatePromptFile';
import { MAX_PROMPT_FILE_BYTES } from '../../shared/limits';

/** The prompt library shipped beside the bundle (dist/../prompts) or the sources (src/engine/evaluate/../../../prompts). */
export function shippedPromptsDir(): string {
  const candidates = [resolve(__dirname, '..', 'prompts'), resolve(__dirname, '..', '..', '..', 'prompts')];
  return candidates.find((dir) => existsSync(join(dir, 'reward.prompt.md'))) ?? candidates[0]!;
}

export function loadPromptFile(path: string): PromptFile {
  let text: string;
  try {
    // A huge file is refused before it is read (readPromptSource refuses it too, but only once it is in memory).
    const bytes = statSync(path).size;
    if (bytes > MAX_PROMPT_FILE_BYTES) throw new PromptFileError(path, tooLargeMessage(bytes));
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof PromptFileError) throw err;
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
