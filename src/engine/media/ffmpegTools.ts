import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export const FFMPEG_INSTALL_HINT =
  'Install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg), ' +
  'or set cosmosCritic.ffmpegPath (CLI: --ffmpeg-path or COSMOS_CRITIC_FFMPEG) to the folder that holds ffmpeg and ffprobe.';

export class FfmpegNotFoundError extends Error {
  constructor(detail: string) {
    super(`${detail}. ${FFMPEG_INSTALL_HINT}`);
    this.name = 'FfmpegNotFoundError';
  }
}

const exe = (name: string): string => (process.platform === 'win32' ? `${name}.exe` : name);

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function searchPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, exe(name)))) return join(dir, exe(name));
  }
  return undefined;
}

/**
 * Finds ffmpeg and ffprobe. `configured` is a folder holding both, or the path of the ffmpeg binary (ffprobe beside it);
 * empty means the PATH.
 */
export function locateFfmpeg(configured?: string, envPath: string | undefined = process.env.PATH): FfmpegTools {
  const setting = configured?.trim();
  if (setting) {
    let dir = setting;
    try {
      if (statSync(setting).isFile()) dir = dirname(setting);
    } catch {
      throw new FfmpegNotFoundError(`ffmpeg path "${setting}" does not exist`);
    }
    const ffmpeg = join(dir, exe('ffmpeg'));
    const ffprobe = join(dir, exe('ffprobe'));
    for (const tool of [ffmpeg, ffprobe]) {
      if (!isExecutable(tool)) throw new FfmpegNotFoundError(`${tool} was not found or is not executable`);
    }
    return { ffmpeg, ffprobe };
  }
  const ffmpeg = searchPath('ffmpeg', envPath);
  const ffprobe = searchPath('ffprobe', envPath);
  if (!ffmpeg || !ffprobe) {
    const missing = [!ffmpeg && 'ffmpeg', !ffprobe && 'ffprobe'].filter(Boolean).join(' and ');
    throw new FfmpegNotFoundError(`${missing} ${missing.includes(' and ') ? 'were' : 'was'} not found on PATH`);
  }
  return { ffmpeg, ffprobe };
}
