import * as path from 'node:path';
import type { CriticResult } from '../shared/result';

/** `<video name>.<prompt id>-v<version>.result.json`, as the CLI names it. */
export function resultFileName(result: Pick<CriticResult, 'video' | 'prompt'>): string {
  const video = path.basename(result.video.path, path.extname(result.video.path));
  const safe = (text: string): string => text.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  return `${safe(video)}.${safe(result.prompt.id)}-v${safe(String(result.prompt.version))}.result.json`;
}
