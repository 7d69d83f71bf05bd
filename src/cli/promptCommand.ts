import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../engine/store/atomicWrite';
import { guessMode, idFromFileName, importedPromptFile, importedTexts, type ImportFormat } from '../promptfile/importPrompt';
import { parsePromptFile } from '../promptfile/promptFile';
import type { CliIo } from './cliIo';
import { UsageError } from './usageError';

export const PROMPT_HELP = `cosmos-critic prompt import FILE [options]

Turns one of NVIDIA's prompt files into a *.prompt.md whose texts are byte for byte the original:
the video critic's YAML (system_prompt / user_prompt), the reward script's Python constants
(SYSTEM_PROMPT / USER_PROMPT), or a plain text file (the system text; the user text is NVIDIA's
question "Does the video contain any anomalies or artifacts?").

Options:
  --out F                where to write (default: <id>.prompt.md in the current folder)
  --id ID                the prompt's id (default: from the file name)
  --mode M               reward or critic (default: reward when the text asks for a single word)
  --format F             yaml, python or text (default: from the file's extension)
  --force                overwrite an existing file`;

export async function promptCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError(sub ? `unknown prompt command "${sub}" (known: import)` : 'prompt needs a command: import');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { out: { type: 'string' }, id: { type: 'string' }, mode: { type: 'string' }, format: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('prompt import takes exactly one file');
  const file = resolve(positionals[0]!);
  if (values.mode !== undefined && values.mode !== 'reward' && values.mode !== 'critic') throw new UsageError(`--mode must be reward or critic, not ${values.mode}`);
  if (values.format !== undefined && !['yaml', 'python', 'text'].includes(values.format)) throw new UsageError(`--format must be yaml, python or text, not ${values.format}`);
  if (values.id !== undefined && !/^[A-Za-z0-9][\w.-]*$/.test(values.id)) throw new UsageError(`--id ${values.id}: use letters, digits, ".", "_" and "-"`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const texts = importedTexts(source, file, values.format as ImportFormat | undefined);
  const id = values.id ?? idFromFileName(file);
  const out = resolve(values.out ?? `${id}.prompt.md`);
  if (existsSync(out) && !values.force) throw new UsageError(`${out} exists: pass --force to overwrite it, or --out another file`);
  const mode = (values.mode as 'reward' | 'critic' | undefined) ?? guessMode(texts);
  const text = importedPromptFile(texts, { id, mode, source: positionals[0]!, sourceText: source });
  const check = parsePromptFile(text, out);
  if (check.system !== texts.system || check.user !== texts.user) throw new Error(`${file}: the imported texts do not read back byte for byte; please report this file`);
  await writeFileAtomic(out, text);
  io.stdout(`${out}: ${mode} prompt "${id}" (system ${texts.system.length} characters from ${texts.from.system}, user from ${texts.from.user})\n`);
  return 0;
}
