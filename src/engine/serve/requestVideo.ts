import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SamplingOptions } from '../../shared/video';

/** Where the video of a chat request comes from. */
export type RequestVideo =
  | { kind: 'frames'; images: Buffer[] }
  | { kind: 'file'; path: string; cleanup?: () => Promise<void> };

export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** Reads a `video_url`: `data:video/jpeg;base64,<frame>,<frame>…` (vLLM's frame list), a data: video file, or file:// inside the allowed folder. */
export async function resolveRequestVideo(url: string, allowedMediaPath: string | undefined): Promise<RequestVideo> {
  const data = /^data:([\w/+.-]+);base64,/.exec(url);
  if (data) {
    const mime = data[1]!.toLowerCase();
    const payload = url.slice(data[0].length);
    if (mime === 'video/jpeg') return { kind: 'frames', images: payload.split(',').map((b) => Buffer.from(b, 'base64')) };
    if (!mime.startsWith('video/')) throw new BadRequestError(`unsupported media type ${mime}: send video/jpeg frames or a video file`);
    const dir = await mkdtemp(join(tmpdir(), 'cosmos-critic-serve-'));
    const path = join(dir, `video.${mime.split('/')[1]!.replace(/[^\w]/g, '') || 'bin'}`);
    await writeFile(path, Buffer.from(payload, 'base64'));
    return { kind: 'file', path, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  if (url.startsWith('file://')) {
    if (!allowedMediaPath) throw new BadRequestError('local files are not served: start with --allowed-local-media-path DIR', 403);
    let path: string;
    try {
      path = realpathSync(fileURLToPath(url));
    } catch {
      throw new BadRequestError(`${url}: no such file`, 404);
    }
    const inside = relative(realpathSync(allowedMediaPath), path);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new BadRequestError(`${path} is outside the allowed media folder`, 403);
    return { kind: 'file', path };
  }
  throw new BadRequestError('this server does not fetch remote URLs: send the frames as data:video/jpeg;base64,… or a file:// URL');
}

/** qwen-vl-utils-style options from `mm_processor_kwargs` (plus `sampling: "reward"` for the reward model's rule). */
export function samplingFromKwargs(kwargs: Record<string, unknown> | undefined): SamplingOptions {
  const k = kwargs ?? {};
  const num = (key: string) => (typeof k[key] === 'number' && Number.isFinite(k[key]) && (k[key] as number) > 0 ? (k[key] as number) : undefined);
  const options: SamplingOptions = { rule: k.sampling === 'reward' ? 'reward' : 'fps' };
  for (const [key, field] of [['fps', 'fps'], ['nframes', 'nframes'], ['min_frames', 'min_frames'], ['max_frames', 'max_frames'], ['min_pixels', 'min_pixels'], ['max_pixels', 'max_pixels'], ['total_pixels', 'total_pixels']] as const) {
    const v = num(key);
    if (v !== undefined) options[field] = v;
  }
  if (options.fps !== undefined && options.nframes !== undefined) delete options.fps;
  return options;
}
