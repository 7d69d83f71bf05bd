// Secrets that reach text meant for people and files (errors, summaries, manifests, logs) are masked here, once.

const MASK = '***';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // An echoed request header: "Authorization: Bearer sk-…", "authorization": "Basic …"
  // (case-sensitive scheme names and token-like values, so that "basic input" or "token limit" stay readable)
  [/\bBearer(\s+)[A-Za-z0-9._~+/=-]{4,}/g, `Bearer$1${MASK}`],
  [/\bBasic(\s+)(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}/g, `Basic$1${MASK}`],
  [/(["']?(?:authorization|x-api-key|api-key)["']?\s*[:=]\s*["']?)(?!Bearer\b|Basic\b)[^\s"',;}]{4,}/gi, `$1${MASK}`],
  // Credentials in URLs: scheme://user:key@host, ?api_key=…
  [/\b([a-z][\w+.-]*:\/\/)[^/\s@]+@/gi, `$1${MASK}@`],
  [/([?&](?:api[-_]?key|key|token|access[-_]?token|auth|secret|password|sig|signature)=)[^&#\s"']+/gi, `$1${MASK}`],
  // Key formats of the services this talks to (OpenAI-style, NVIDIA API catalog).
  [/\b(sk|nvapi)-[A-Za-z0-9_-]{12,}/g, `$1-${MASK}`],
];

/** The text with bearer tokens, authorization headers, URL credentials and the `known` secrets masked. */
export function redactSecrets(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of known) if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
