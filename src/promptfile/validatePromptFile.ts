import { isScalar, isSeq, type Node } from 'yaml';
import { checkBody } from './bodyChecks';
import { checkFrontMatter, isWorkspaceRelative } from './frontMatterChecks';
import { DiagnosticList, type PromptDiagnostic } from './promptDiagnostic';
import { promptHash } from './promptHash';
import { MAX_PROMPT_FILE_BYTES } from '../shared/limits';
import { VIDEO_EXTENSIONS_PATTERN } from './promptSchema';
import { readPromptSource, topLevelPair, type PromptSource } from './promptSource';

export interface ValidationEnvironment {
  /** Whether a workspace-relative path exists. */
  exists(path: string): boolean;
  /** Hashes of the prompt text recorded in results made with this id and version. */
  recordedHashes?(id: string, version: string | number): readonly string[];
}

/** Every problem in a prompt file, with the exact range of the offending key, value or heading. */
export function validatePromptFile(text: string, environment: ValidationEnvironment): PromptDiagnostic[] {
  const source = readPromptSource(text);
  const problems = checkSource(source);
  checkPins(source, environment, problems);
  checkRecordedText(source, environment, problems);
  return inFileOrder(problems.items);
}

/** The problems that the file's text alone shows (no workspace, no results). */
export function checkPromptSource(source: PromptSource): PromptDiagnostic[] {
  return inFileOrder(checkSource(source).items);
}

/** Most diagnostics reported for one file: past that, one more says how many were left out. */
export const MAX_DIAGNOSTICS = 200;

function inFileOrder(items: PromptDiagnostic[]): PromptDiagnostic[] {
  const sorted = items.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  // Errors first, so that the one that stops the file is never among those left out.
  const kept = [...sorted.filter((d) => d.severity === 'error'), ...sorted.filter((d) => d.severity !== 'error')].slice(0, MAX_DIAGNOSTICS - 1);
  const last = sorted[sorted.length - 1]!;
  const more: PromptDiagnostic = { code: 'too-many-problems', severity: 'warning', range: last.range, message: `${sorted.length - kept.length} more problems are not shown (${sorted.length} in all): fix these first.` };
  return [...kept.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character), more];
}

/** The one problem reported for a prompt file over the size limit. */
export function tooLargeMessage(bytes: number): string {
  return `The file is too large (${bytes} bytes, limit ${MAX_PROMPT_FILE_BYTES}): a prompt file holds the text sent to the model; move long material out of it.`;
}

function checkSource(source: PromptSource): DiagnosticList {
  const problems = new DiagnosticList(source.lines);
  if (source.tooLarge) {
    problems.add('file-too-large', 'error', 0, 0, tooLargeMessage(source.tooLarge.bytes));
    return problems;
  }
  if (source.frontMatter) checkFrontMatter(source.frontMatter, problems);
  else problems.addOnLine('front-matter-missing', 'error', 0, 'The file must start with a "---" line and YAML front matter (id, version, mode), closed by another "---".');
  checkBody(source, problems);
  return problems;
}

function checkPins(source: PromptSource, environment: ValidationEnvironment, problems: DiagnosticList): void {
  if (source.tooLarge) return;
  const pins = topLevelPair(source.frontMatter, 'pin')?.value;
  if (!isSeq(pins)) return;
  const offset = source.frontMatter!.start;
  for (const item of pins.items as Node[]) {
    const pin = isScalar(item) ? item.value : undefined;
    if (typeof pin !== 'string' || !isWorkspaceRelative(pin) || !VIDEO_EXTENSIONS_PATTERN.test(pin) || environment.exists(pin)) continue;
    const [start, end] = item.range!;
    problems.add('pin-not-found', 'warning', offset + start, offset + end, `Pinned video "${pin}" was not found in the workspace.`, { path: ['pin'] });
  }
}

function checkRecordedText(source: PromptSource, environment: ValidationEnvironment, problems: DiagnosticList): void {
  if (!environment.recordedHashes || source.tooLarge) return;
  const id = topLevelPair(source.frontMatter, 'id')?.value;
  const version = topLevelPair(source.frontMatter, 'version')?.value;
  if (!isScalar(id) || typeof id.value !== 'string' || !isScalar(version)) return;
  const v = version.value;
  if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) return;
  const recorded = environment.recordedHashes(id.value, v);
  if (recorded.length === 0 || recorded.includes(promptHash(source.text))) return;
  const offset = source.frontMatter!.start;
  const [start, end] = version.range!;
  problems.add(
    'text-changed',
    'warning',
    offset + start,
    offset + end,
    `The text changed since results were recorded as "${id.value}" version ${String(v)}: bump the version so that old and new results are not mixed.`,
    { path: ['version'] },
  );
}
