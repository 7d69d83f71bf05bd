import type { IncomingMessage } from 'node:http';
import { ApiError } from './apiError';
import { overLimit, type ServeLimits } from './serveLimits';

/** A chat request has a few dozen objects and arrays; its bulk is in strings (base64 frames). */
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_CONTAINERS = 10_000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Why a body must not be parsed, or null. JSON.parse builds one object per `[` or `{`: a few megabytes of `[[[[…` or
 * `[],[],…` would become gigabytes. One pass over the bytes (UTF-8 continuation bytes are never ASCII) counts them first.
 */
export function jsonShapeProblem(body: Buffer): string | null {
  let depth = 0;
  let containers = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (b === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd number of backslashes.
      for (let end = body.indexOf(QUOTE, i + 1); ; end = body.indexOf(QUOTE, end + 1)) {
        if (end < 0) return null; // unterminated: JSON.parse reports it
        let slashes = 0;
        while (body[end - 1 - slashes] === BACKSLASH) slashes++;
        if (slashes % 2 === 0) {
          i = end;
          break;
        }
      }
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`;
      if (++containers > MAX_JSON_CONTAINERS) return `the JSON holds more than ${MAX_JSON_CONTAINERS} objects and arrays`;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return null;
}

/**
 * Reads a JSON request body of at most `limits.maxBodyBytes`. A body announced or found to be larger is refused with a
 * 413 at once; what is still coming of it is read and dropped, so the client gets the answer rather than a reset.
 */
export function readJsonBody(req: IncomingMessage, limits: ServeLimits, onAccepted?: () => void): Promise<unknown> {
  const limit = limits.maxBodyBytes;
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) {
    req.resume();
    return Promise.reject(overLimit(limits, 'maxBodyBytes', `the request body has ${announced} bytes`));
  }
  // A client that sent "Expect: 100-continue" sends its body only now, after the size was accepted.
  onAccepted?.();
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) return;
      if (size > limit) {
        refused = true;
        chunks = [];
        reject(overLimit(limits, 'maxBodyBytes', `the request body has more than ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks);
      chunks = [];
      const problem = jsonShapeProblem(body);
      if (problem) return reject(new ApiError(400, 'invalid_json', `${problem}: this is not a chat-completions request`));
      try {
        resolve(JSON.parse(body.toString('utf8')));
      } catch (err) {
        reject(new ApiError(400, 'invalid_json', `the request body is not valid JSON (${(err as Error).message})`));
      }
    });
    req.on('error', reject);
  });
}
