// The labels a person gives while reviewing a results folder, kept in one JSONL file in the format that
// `cosmos-critic eval --labels` reads (video, label, violations) plus who labelled it and when. Every change is
// written at once: under a lock file the store reads the file again, lays its own changes over it and renames a new
// file into place, so two windows (two processes) on the same folder never lose each other's labels.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomicWrite';
import { withFileLock, type FileLockOptions } from '../store/fileLock';
import { InputFileError, parseTableText } from '../eval/tableFile';

export { isLabelValue, type LabelEntry, type LabelledViolation, type LabelValue } from '../../shared/labelEntry';
import { isLabelValue, type LabelEntry, type LabelledViolation, type LabelValue } from '../../shared/labelEntry';

function parseViolations(value: unknown, at: string): LabelledViolation[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputFileError(`${at}: violations must be a list of {start_s, end_s, category}`);
  return value.map((item, i) => {
    const v = (item ?? {}) as Record<string, unknown>;
    const start = v.start_s;
    const end = v.end_s ?? start;
    if (typeof start !== 'number' || typeof end !== 'number' || !Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end < start) {
      throw new InputFileError(`${at}: violation ${i + 1} needs start_s ≤ end_s, both seconds ≥ 0`);
    }
    const out: LabelledViolation = { start_s: start, end_s: end, category: typeof v.category === 'string' && v.category.trim() ? v.category.trim() : 'other' };
    if (v.source === 'critic' || v.source === 'added') out.source = v.source;
    if (Number.isInteger(v.critic_index) && (v.critic_index as number) >= 0) out.critic_index = v.critic_index as number;
    if (typeof v.description === 'string') out.description = v.description;
    return out;
  });
}

/** Rows of a labels file as entries; a row that is not one is an error naming the file and line. */
export function parseLabelEntries(text: string, file: string): LabelEntry[] {
  const entries = new Map<string, LabelEntry>();
  for (const row of parseTableText(text, file)) {
    const at = `${file}:${row.line}`;
    const f = row.fields;
    const label = typeof f.label === 'string' && /^[1-5]$/.test(f.label) ? Number(f.label) : f.label;
    if (typeof f.video !== 'string' || !f.video) throw new InputFileError(`${at}: no "video"`);
    if (!isLabelValue(label)) throw new InputFileError(`${at}: label ${JSON.stringify(f.label)} is not good, bad or 1–5; fix or delete that line`);
    const entry: LabelEntry = {
      video: f.video,
      label,
      violations: parseViolations(f.violations, at),
      labeled_by: typeof f.labeled_by === 'string' ? f.labeled_by : '',
      labeled_at: typeof f.labeled_at === 'string' ? f.labeled_at : '',
    };
    if (f.rejected_violations !== undefined) entry.rejected_violations = parseViolations(f.rejected_violations, at);
    const known = entries.get(entry.video);
    if (!known || known.labeled_at <= entry.labeled_at) entries.set(entry.video, entry);
  }
  return [...entries.values()];
}

export function formatLabelEntries(entries: Iterable<LabelEntry>): string {
  const sorted = [...entries].sort((a, b) => (a.video < b.video ? -1 : a.video > b.video ? 1 : 0));
  return sorted.map((e) => JSON.stringify(e)).join('\n') + (sorted.length ? '\n' : '');
}

async function readEntries(file: string): Promise<LabelEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputFileError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseLabelEntries(text, file);
}

/** A change not yet written: a new entry, or the removal (undo) of the video's label. */
interface PendingChange {
  entry: LabelEntry | null;
  at: string;
}

export interface LabelStoreOptions extends FileLockOptions {
  /** Who labels: written into each entry. */
  user: string;
  /** The clock, for tests; ISO strings must sort in time order. */
  now?: () => Date;
}

/** Lays changes over what is on disk: a change wins unless the file holds a later change of the same video. */
export function mergeLabels(onDisk: readonly LabelEntry[], changes: ReadonlyMap<string, PendingChange>): Map<string, LabelEntry> {
  const merged = new Map(onDisk.map((e) => [e.video, e]));
  for (const [video, change] of changes) {
    const disk = merged.get(video);
    if (disk && disk.labeled_at > change.at) continue;
    if (change.entry) merged.set(video, change.entry);
    else merged.delete(video);
  }
  return merged;
}

export class LabelStore {
  private entries = new Map<string, LabelEntry>();
  private pending = new Map<string, PendingChange>();
  private writing: Promise<void> = Promise.resolve();
  private lastAt = '';

  private constructor(
    readonly file: string,
    private readonly options: LabelStoreOptions,
  ) {}

  /** Opens the labels file (a missing file is an empty store). */
  static async open(file: string, options: LabelStoreOptions): Promise<LabelStore> {
    const store = new LabelStore(file, options);
    await store.reload();
    return store;
  }

  get lockFile(): string {
    return `${this.file}.lock`;
  }

  /** Reads the file again (another window's labels), keeping changes not yet written. */
  async reload(): Promise<void> {
    this.entries = mergeLabels(await readEntries(this.file), this.pending);
  }

  get(video: string): LabelEntry | undefined {
    return this.entries.get(video);
  }

  all(): LabelEntry[] {
    return [...this.entries.values()];
  }

  /** Strictly increasing times, so two changes in one millisecond still order. */
  private stamp(): string {
    let at = (this.options.now?.() ?? new Date()).toISOString();
    if (at <= this.lastAt) at = new Date(Date.parse(this.lastAt) + 1).toISOString();
    this.lastAt = at;
    return at;
  }

  /** Labels a video and writes the file; resolves once the change is on disk. */
  set(video: string, label: LabelValue, violations: LabelledViolation[], rejected?: LabelledViolation[]): Promise<void> {
    if (!isLabelValue(label)) throw new RangeError(`label ${String(label)} is not good, bad or 1–5`);
    const at = this.stamp();
    const entry: LabelEntry = { video, label, violations: violations.map((v) => ({ ...v })), labeled_by: this.options.user, labeled_at: at };
    if (rejected?.length) entry.rejected_violations = rejected.map((v) => ({ ...v }));
    this.pending.set(video, { entry, at });
    this.entries.set(video, entry);
    return this.flush();
  }

  /** Takes a video's label away (undo of its first label) and writes the file. */
  remove(video: string): Promise<void> {
    this.pending.set(video, { entry: null, at: this.stamp() });
    this.entries.delete(video);
    return this.flush();
  }

  /** Writes the changes not yet written; writes run one after another. */
  flush(): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(() => this.write());
    return this.writing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const changes = new Map(this.pending);
    await withFileLock(
      this.lockFile,
      async () => {
        const merged = mergeLabels(await readEntries(this.file), changes);
        await writeFileAtomic(this.file, formatLabelEntries(merged.values()));
        this.entries = mergeLabels([...merged.values()], this.pendingAfter(changes));
      },
      this.options,
    );
    for (const [video, change] of changes) if (this.pending.get(video) === change) this.pending.delete(video);
  }

  /** Changes made while a write was under way: they stay pending and shown. */
  private pendingAfter(written: Map<string, PendingChange>): Map<string, PendingChange> {
    return new Map([...this.pending].filter(([video, change]) => written.get(video) !== change));
  }
}
