import type { IncomingMessage } from 'node:http';
import { ApiError } from './apiError';
import { overLimit, type ServeLimits } from './serveLimits';

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
      const text = Buffer.concat(chunks).toString('utf8');
      chunks = [];
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new ApiError(400, 'invalid_json', `the request body is not valid JSON (${(err as Error).message})`));
      }
    });
    req.on('error', reject);
  });
}
