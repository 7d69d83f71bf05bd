import { isMap, isScalar, parse as parseYaml, Scalar } from 'yaml';
import { readPromptSource, topLevelPair } from './promptSource';
import type { Range } from './textPosition';

export interface VersionBump {
  /** "Bump version to 3", or "Add version: 1" when there is none. */
  title: string;
  version: number | string;
  /** Replace this range of the file with `newText`. */
  range: Range;
  newText: string;
}

/**
 * The edit that raises the front matter's version by one: 3 → 4, "1.2" → "1.3", v9 → v10.
 * Null when there is no front matter map or the version has no number to raise.
 */
export function versionBump(text: string): VersionBump | null {
  const source = readPromptSource(text);
  const frontMatter = source.frontMatter;
  if (!frontMatter || !(isMap(frontMatter.yaml.contents) || frontMatter.yaml.contents === null)) return null;
  const { lines } = source;
  const at = (offset: number) => frontMatter.start + offset;
  const pair = topLevelPair(frontMatter, 'version');

  if (!pair) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const id = topLevelPair(frontMatter, 'id');
    const line = id?.value?.range ? lines.positionAt(at(id.value.range[1])).line + 1 : lines.positionAt(frontMatter.start).line;
    const position = lines.positionAt(Math.min(lines.lineStart(line), frontMatter.end));
    return { title: 'Add version: 1', version: 1, range: { start: position, end: position }, newText: `version: 1${eol}` };
  }

  const value = pair.value;
  if (!value || (isScalar(value) && value.value === null)) {
    const afterColon = lines.positionAt(text.indexOf(':', at(pair.key!.range![1])) + 1);
    return { title: 'Set version to 1', version: 1, range: { start: afterColon, end: afterColon }, newText: ' 1' };
  }
  if (!isScalar(value)) return null;
  const range = lines.range(at(value.range![0]), at(value.range![1]));
  const current = value.value;
  if (typeof current === 'number' && Number.isFinite(current)) {
    const version = Math.floor(current) + 1;
    return { title: `Bump version to ${version}`, version, range, newText: String(version) };
  }
  if (typeof current !== 'string') return null;
  const next = incrementLastNumber(current);
  if (next === null) return null;
  return { title: `Bump version to ${next}`, version: next, range, newText: asYamlString(next, value.type) };
}

function incrementLastNumber(text: string): string | null {
  const match = /(\d+)(?!.*\d)/.exec(text);
  if (!match) return null;
  const digits = match[1]!;
  const raised = (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
  return text.slice(0, match.index) + raised + text.slice(match.index + digits.length);
}

/** The string as YAML text, in the original quoting where that still reads back as the same string. */
function asYamlString(value: string, type: Scalar['type']): string {
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (type === Scalar.QUOTE_DOUBLE || !readsBackAs(value)) return JSON.stringify(value);
  return value;
}

function readsBackAs(value: string): boolean {
  try {
    return parseYaml(value) === value;
  } catch {
    return false;
  }
}
