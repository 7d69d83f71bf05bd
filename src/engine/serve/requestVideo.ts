import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPng, jpegSize, pngSize } from '../media/jpegFrames';
import { ApiError } from './apiError';
import { overLimit, type ServeLimits } from './serveLimits';

/** Where the video of a chat request comes from. */
export type RequestVideo =
  | { kind: 'frames'; images: Buffer[]; width: number; height: number }
  | { kind: 'file'; path: string; cleanup?: () => Promise<void> };

/** The folder `file://` URLs may point into, as given (resolved) and as its real path. */
export interface MediaFolder {
  given: string;
  real: string;
}

/** `--allowed-local-media-path`, checked when the server starts, or an error that names it. */
export function allowedMediaFolder(dir: string): MediaFolder {
  let real: string;
  try {
    real = realpathSync(resolve(dir));
  } catch {
    throw new Error(`--allowed-local-media-path ${dir}: no such folder`);
  }
  if (!statSync(real).isDirectory()) throw new Error(`--allowed-local-media-path ${dir}: not a folder`);
  return { given: resolve(dir), real };
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}

/**
 * A `file://` URL inside the allowed folder. Whether a path lies inside is decided from the URL before the file system
 * is asked, so that a client learns nothing (no 403 / 404 difference) about paths outside the folder.
 */
function mediaFile(url: string, folder: MediaFolder | undefined): string {
  if (!folder) throw new ApiError(403, 'media_forbidden', 'local files are not served: the server must be started with --allowed-local-media-path DIR', 'messages');
  let asked: string;
  try {
    asked = resolve(fileURLToPath(url));
  } catch (err) {
    throw new ApiError(400, 'invalid_media', `${url} is not a usable file URL (${(err as Error).message})`, 'messages');
  }
  const outside = new ApiError(403, 'media_forbidden', `${url} is outside the folder this server may read`, 'messages');
  if (!isInside(folder.given, asked) && !isInside(folder.real, asked)) throw outside;
  let real: string;
  try {
    real = realpathSync(asked);
  } catch {
    // Missing — but only say so when the nearest folder that exists is inside too (not reached through a link out).
    let existing = dirname(asked);
    while (existing !== dirname(existing) && !existsSync(existing)) existing = dirname(existing);
    if (!isInside(folder.real, realpathSync(existing))) throw outside;
    throw new ApiError(404, 'media_not_found', `${url}: no such file in the allowed folder`, 'messages');
  }
  // A link inside the folder may point out of it.
  if (!isInside(folder.real, real)) throw outside;
  return real;
}

function framesOf(payload: string, limits: ServeLimits): RequestVideo {
  let count = 1;
  for (let i = payload.indexOf(','); i >= 0; i = payload.indexOf(',', i + 1)) count++;
  if (count > limits.maxFrames) throw overLimit(limits, 'maxFrames', `the video has ${count} frames`, 'messages');
  const images = payload.split(',').map((b) => Buffer.from(b, 'base64'));
  let width = 0;
  let height = 0;
  images.forEach((image, i) => {
    // vLLM's frame loader opens any image format behind video/jpeg; PNG carries the frames without loss.
    const size = isPng(image) ? pngSize(image) : jpegSize(image);
    if (!size || size.width === 0 || size.height === 0) throw new ApiError(400, 'invalid_media', `frame ${i + 1} of ${count} is not a JPEG or PNG image`, 'messages');
    if (size.width * size.height > limits.maxPixels) throw overLimit(limits, 'maxPixels', `frame ${i + 1} has ${size.width}×${size.height} = ${size.width * size.height} pixels`, 'messages');
    if (i === 0) ({ width, height } = size);
  });
  return { kind: 'frames', images, width, height };
}

/** Reads a `video_url`: `data:video/jpeg;base64,<frame>,<frame>…` (vLLM's frame list), a data: video file, or file:// inside the allowed folder. */
export async function resolveRequestVideo(url: string, mediaFolder: MediaFolder | undefined, limits: ServeLimits): Promise<RequestVideo> {
  const data = /^data:([\w/+.-]+);base64,/.exec(url);
  if (data) {
    const mime = data[1]!.toLowerCase();
    const payload = url.slice(data[0].length);
    if (mime === 'video/jpeg') return framesOf(payload, limits);
    if (!mime.startsWith('video/')) throw new ApiError(400, 'invalid_media', `unsupported media type ${mime}: send video/jpeg frames or a video file`, 'messages');
    const dir = await mkdtemp(join(tmpdir(), 'cosmos-critic-serve-'));
    const path = join(dir, `video.${mime.split('/')[1]!.replace(/[^\w]/g, '') || 'bin'}`);
    await writeFile(path, Buffer.from(payload, 'base64'));
    return { kind: 'file', path, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  if (url.startsWith('file://')) return { kind: 'file', path: mediaFile(url, mediaFolder) };
  throw new ApiError(400, 'invalid_media', 'this server does not fetch remote URLs: send the frames as data:video/jpeg;base64,… or a file:// URL', 'messages');
}
