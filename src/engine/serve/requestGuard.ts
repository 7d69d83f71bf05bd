import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { ApiError } from './apiError';

/** Who may talk to the server: the names it answers to, the web pages it trusts, and the key it requires. */
export interface AccessRules {
  /** The address the server listens on (`--host`). */
  bindHost: string;
  /** More `Host` names to accept (`--allowed-host`); `*` accepts any. */
  allowedHosts?: string[];
  /** Web origins that may call the server from a browser (`--allowed-origin`); `*` allows any. */
  allowedOrigins?: string[];
  /** A bearer key every /v1 request must carry. */
  apiKey?: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * The names a `Host` header may carry. A DNS-rebinding page reaches the server under the attacker's own name, so only
 * names that mean this machine are accepted: the bind address, loopback, and — when listening on every interface — this
 * machine's host name and interface addresses.
 */
export function ownHostNames(rules: AccessRules): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', bare(rules.bindHost)]);
  if (WILDCARDS.has(rules.bindHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(bare(a.address));
  }
  for (const h of rules.allowedHosts ?? []) names.add(bare(h));
  return names;
}

/** The host name of a `Host` header without its port (`[::1]:8000` → `::1`), or null when it cannot be one. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.exec(header.trim());
  return m ? bare(m[1]!) : null;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Checks run on every request before anything is read or queued. */
export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly keyHash: Buffer | undefined;

  constructor(private readonly rules: AccessRules) {
    this.hosts = ownHostNames(rules);
    this.keyHash = rules.apiKey ? sha256(rules.apiKey) : undefined;
  }

  get requiresKey(): boolean {
    return this.keyHash !== undefined;
  }

  checkHost(req: IncomingMessage): void {
    if (this.hosts.has('*')) return;
    const host = hostOf(req.headers.host);
    if (host === null || !this.hosts.has(host)) {
      throw new ApiError(403, 'host_not_allowed', `Host ${JSON.stringify(req.headers.host ?? '')} is not this server's name; to serve under it, start the server with --allowed-host ${host ?? 'NAME'}`);
    }
  }

  /** The origin to echo in CORS headers (an allowed web page), or null for a request from no web page. */
  checkOrigin(req: IncomingMessage): string | null {
    const origin = req.headers.origin;
    if (origin === undefined) return null;
    const allowed = this.rules.allowedOrigins ?? [];
    if (allowed.includes('*') || allowed.includes(origin)) return origin;
    throw new ApiError(403, 'origin_not_allowed', `requests from web pages (Origin ${JSON.stringify(origin)}) are refused; to allow this one, start the server with --allowed-origin ${origin}`);
  }

  checkKey(req: IncomingMessage): void {
    if (!this.keyHash) return;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    // Hashes have the same length whatever was sent, so the comparison takes the same time for every wrong key.
    if (!m || !timingSafeEqual(sha256(m[1]!.trim()), this.keyHash)) {
      throw new ApiError(401, 'invalid_api_key', m ? 'the API key is not valid' : 'this server requires an API key: send "Authorization: Bearer <key>" (the CLI sends COSMOS_CRITIC_API_KEY)');
    }
  }

  checkJsonBody(req: IncomingMessage): void {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError(415, 'unsupported_media_type', `the request body must be JSON with "Content-Type: application/json", got ${type ? JSON.stringify(type) : 'no content type'}`);
    }
  }
}
