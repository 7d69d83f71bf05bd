// Saved model answers as files hold them: one answer, several answers as JSON, or several answers
// in plain text separated by a line of dashes or equals signs.

export class AnswerFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerFileError';
  }
}

const LIST_KEYS = ['trials', 'responses', 'outputs', 'answers'] as const;
const TEXT_KEYS = ['raw', 'text', 'response', 'output', 'content', 'answer'] as const;
// "---", "=====", or a labelled one such as "===== trial 2 =====".
const SEPARATOR_LINE = /^[ \t]*(?:-{3,}|={3,})(?:[^\n]*?(?:-{3,}|={3,}))?[ \t]*\r?$/m;

function textOf(entry: unknown): string | null {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    for (const key of TEXT_KEYS) {
      const value = (entry as Record<string, unknown>)[key];
      if (typeof value === 'string') return value;
    }
  }
  return null;
}

function listOf(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (!json || typeof json !== 'object') return null;
  const record = json as Record<string, unknown>;
  for (const key of LIST_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[];
  // A result file of this tool: its trials keep the raw answers.
  const critic = record.critic as Record<string, unknown> | undefined;
  if (critic && Array.isArray(critic.trials)) return critic.trials;
  return null;
}

const JSON_SHAPE =
  'expected a JSON array of strings, or an object with a "trials", "responses" or "outputs" array of strings';

/**
 * The answers a file holds: a JSON array of strings, a JSON object with a "trials" / "responses" /
 * "outputs" array (of strings, or of objects with a "raw" / "text" / "response" string), or plain
 * text — one answer (a JSON string counts as one), or several separated by a line of --- or === ("=== trial 2 ===" too).
 */
export function answersFromFileText(text: string): string[] {
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw new AnswerFileError('the file is empty; expected a saved model answer');
  const head = content.trimStart()[0];
  if (head === '[' || head === '{' || head === '"') {
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      json = undefined; // Not JSON after all: read it as a plain-text answer.
    }
    if (typeof json === 'string') return [json];
    if (json !== undefined) {
      const list = listOf(json);
      if (!list) throw new AnswerFileError(`holds JSON without answers; ${JSON_SHAPE}`);
      const answers = list.map(textOf);
      const bad = answers.findIndex((a) => a === null);
      if (bad >= 0) throw new AnswerFileError(`entry ${bad} of the JSON answers is not a string; ${JSON_SHAPE}`);
      if (answers.length === 0) throw new AnswerFileError(`holds an empty list of answers; ${JSON_SHAPE}`);
      return answers as string[];
    }
  }
  if (!SEPARATOR_LINE.test(content)) return [content];
  const parts = content.split(new RegExp(SEPARATOR_LINE.source, 'gm')).filter((part) => part.trim() !== '');
  return parts.map((part) => part.replace(/^[\r\n]+|[\r\n]+$/g, ''));
}
