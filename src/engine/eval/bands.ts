// Band cut-offs (high / medium / low) chosen from an evaluation, saved to a small JSON file and applied by score, batch,
// report and the extension instead of the default bands (src/shared/bands.ts).
import { readFile } from 'node:fs/promises';
import type { Bands } from './bandCutoffs';
import { writeFileAtomic } from '../store/atomicWrite';
import { InputFileError } from './tableFile';

export const BANDS_SCHEMA = 'cosmos-critic/bands@1';

export type { Bands };

export interface BandsFile extends Bands {
  schema: typeof BANDS_SCHEMA;
  /** Where the cut-offs come from: the evaluation's run, labels and target precision. */
  source?: Record<string, unknown>;
}

export { bandWith, DEFAULT_BANDS } from '../../shared/bands';

export function checkBands(value: unknown, where: string): Bands {
  const v = (value ?? {}) as Record<string, unknown>;
  const ok = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 1;
  if (!ok(v.high) || !ok(v.low)) throw new InputFileError(`${where}: needs "high" and "low" cut-offs between 0 and 1 (as "cosmos-critic eval --write-bands" writes them)`);
  if (v.low > v.high) throw new InputFileError(`${where}: "low" (${v.low}) is above "high" (${v.high}); low must be ≤ high`);
  return { high: v.high, low: v.low };
}

/** A bands file, or an evaluation report (JSON) with one run, whose suggested bands are taken. */
export async function readBandsFile(file: string): Promise<Bands> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(`${file}: ${code ? `cannot read it (${code}); check the path` : `not valid JSON (${(err as Error).message})`}`);
  }
  if (data.schema === 'cosmos-critic/eval@1') {
    const runs = Array.isArray(data.runs) ? (data.runs as Array<{ suggested_bands?: { high: number | null; low: number | null } }>) : [];
    if (runs.length !== 1) throw new InputFileError(`${file}: an evaluation of ${runs.length} runs; write one bands file with "cosmos-critic eval --write-bands" for the run you want`);
    const s = runs[0]!.suggested_bands;
    if (!s || s.high === null || s.low === null) throw new InputFileError(`${file}: the evaluation found no cut-off reaching its target precision; lower --target-precision and evaluate again`);
    return checkBands(s, file);
  }
  return checkBands(data, file);
}

export async function writeBandsFile(file: string, bands: Bands, source: Record<string, unknown>): Promise<void> {
  const content: BandsFile = { schema: BANDS_SCHEMA, high: bands.high, low: bands.low, source };
  await writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n');
}
