import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';

/** A row of a CSV or JSONL file as an object, with the 1-based line it starts on (for error messages). */
export interface TableRow {
  line: number;
  fields: Record<string, unknown>;
}

/** A file the user gave that cannot be read as asked: one message naming the file, the line and the fix. */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Returns rows with their start line. */
export function parseCsv(text: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (quoted) throw new InputFileError(`a quoted field opened on line ${rowLine} is never closed`);
  if (cell !== '' || cells.length) endRow();
  return rows;
}

/** Rows of a CSV (first row = header) or JSONL/JSON file, as objects. Empty CSV cells are left out. */
export async function readTableFile(file: string): Promise<TableRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputFileError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
  }
  return parseTableText(text, file);
}

export function parseTableText(text: string, file: string): TableRow[] {
  const ext = extname(file).toLowerCase();
  const trimmed = text.trimStart();
  if (ext === '.json' || ((ext === '.jsonl' || ext === '.ndjson') && trimmed.startsWith('['))) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new InputFileError(`${file}: not valid JSON (${(err as Error).message})`);
    }
    const items = Array.isArray(data) ? data : data && typeof data === 'object' ? Object.entries(data as Record<string, unknown>).map(([key, value]) => (value && typeof value === 'object' && !Array.isArray(value) ? { video: key, ...(value as object) } : { video: key, label: value })) : [];
    return items.map((fields, i) => {
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw new InputFileError(`${file}: entry ${i + 1} is not a JSON object`);
      return { line: i + 1, fields: fields as Record<string, unknown> };
    });
  }
  if (ext === '.jsonl' || ext === '.ndjson') {
    const rows: TableRow[] = [];
    text.split('\n').forEach((raw, i) => {
      if (!raw.trim()) return;
      let fields: unknown;
      try {
        fields = JSON.parse(raw);
      } catch (err) {
        throw new InputFileError(`${file}:${i + 1}: not a JSON object (${(err as Error).message}); JSONL needs one object per line`);
      }
      if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw new InputFileError(`${file}:${i + 1}: not a JSON object; JSONL needs one object per line`);
      rows.push({ line: i + 1, fields: fields as Record<string, unknown> });
    });
    return rows;
  }
  if (ext !== '.csv' && ext !== '.tsv' && ext !== '.txt') throw new InputFileError(`${file}: unknown file type "${ext || '(none)'}"; use .csv, .jsonl or .json`);
  let table: Array<{ line: number; cells: string[] }>;
  try {
    table = parseCsv(text);
  } catch (err) {
    throw new InputFileError(`${file}: ${(err as Error).message}`);
  }
  const [header, ...body] = table;
  if (!header) return [];
  const names = header.cells.map((h) => h.trim());
  return body.map(({ line, cells }) => {
    const fields: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = cells[i];
      if (name && value !== undefined && value.trim() !== '') fields[name] = value.trim();
    });
    return { line, fields };
  });
}

/** The first of several field names present in a row. */
export function firstField(fields: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (fields[name] !== undefined && fields[name] !== null && fields[name] !== '') return fields[name];
  return undefined;
}
