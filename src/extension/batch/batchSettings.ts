import type { Config } from '../config';

export interface BatchSettings {
  include: string[];
  exclude: string[];
  concurrency: number;
  batchSize: number;
}

/** `cosmosCritic.batch.*`: which files a batch takes and how many jobs run at once. */
export function batchSettings(config: Config): BatchSettings {
  return {
    include: config.get('batch.include'),
    exclude: config.get('batch.exclude'),
    concurrency: config.get('batch.concurrency'),
    batchSize: config.get('batch.batchSize'),
  };
}
