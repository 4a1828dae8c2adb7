import { luhnValid } from './cards';

/**
 * The one redactor: masks what must never reach a log, an error, an audit entry or a stored
 * gateway response. Card numbers (Luhn-valid, 13–19 digits) keep their first 6 and last 4,
 * CVC and track data are dropped, and secret keys, tokens and Authorization values are masked.
 */

const SECRET_KEY_NAMES =
  /^(cvc|cvv|cvc2|cvv2|cid|security_?code|track_?[12]?|track_?data|password|secret|client_secret|access_token|refresh_token|authorization|api_?key|secret_?key|private_?key|webhook_?secret|signature_?key)$/i;
const DROP_KEY_NAMES = /^(cvc|cvv|cvc2|cvv2|cid|security_?code|track_?[12]?|track_?data)$/i;
const CARD_KEY_NAMES = /^(number|card_?number|pan|account_?number)$/i;

/**
 * Payrail's own key shapes and ones no gateway owns. Each gateway's descriptor adds its own
 * (`defineGateway` registers them), so a new gateway never edits this file.
 */
const BASE_PATTERNS: RegExp[] = [
  // Keys that name their mode (`pr_test_…`, and the gateways that follow the same convention); publishable keys are public.
  /\b(?!pk_)[a-z]{2,5}_(test|live)_[A-Za-z0-9_-]{8,}\b/g,
  /\bprwh_[A-Za-z0-9_-]{8,}\b/g, // Payrail webhook endpoint secrets
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, // Authorization header values
];

const gatewayPatterns = new Map<string, readonly RegExp[]>();
let secretPatterns: readonly RegExp[] = BASE_PATTERNS;
let anySecret: readonly RegExp[] = screens(BASE_PATTERNS);

/**
 * One regular expression per set of flags that matches wherever any of `patterns` does: most
 * text holds no secret, and one scan tells so where each pattern's replace would scan again.
 */
function screens(patterns: readonly RegExp[]): RegExp[] {
  const byFlags = new Map<string, string[]>();
  for (const pattern of patterns) {
    const flags = pattern.flags.replace(/[gy]/g, '');
    byFlags.set(flags, [...(byFlags.get(flags) ?? []), `(?:${pattern.source})`]);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.join('|'), flags));
}

/** Adds a gateway's key and token shapes to every later redaction; a second call for a code replaces the first. */
export function registerSecretPatterns(code: string, patterns: readonly RegExp[]): void {
  gatewayPatterns.set(code, patterns);
  secretPatterns = [...BASE_PATTERNS, ...[...gatewayPatterns.values()].flat()];
  anySecret = screens(secretPatterns);
}

export function maskPan(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  const prefix = /^([a-z]{2,5}_(test|live)_|whsec_|Bearer |Basic )/i.exec(value)?.[0] ?? '';
  return `${prefix}****${value.slice(-4)}`;
}

/** Card numbers written with spaces or dashes between groups are caught too. */
const PAN_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

export function redactText(text: string): string {
  let out = text.replace(PAN_CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskPan(digits) : match;
  });
  if (!anySecret.some((screen) => screen.test(out))) return out;
  for (const pattern of secretPatterns) out = out.replace(pattern, (m) => maskSecret(m));
  return out;
}

/** Returns a redacted deep copy: safe to log, store or return. */
export function redact<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return redactText(value.toString('utf8')) as T;
  if (value instanceof Date) return value;
  if (seen.has(value as object)) return '[circular]' as T;
  seen.add(value as object);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (DROP_KEY_NAMES.test(key)) continue;
    if (typeof v === 'string' && CARD_KEY_NAMES.test(key)) {
      const digits = v.replace(/[ -]/g, '');
      out[key] = /^\d{13,19}$/.test(digits) ? maskPan(digits) : redactText(v);
    } else if (typeof v === 'string' && SECRET_KEY_NAMES.test(key)) {
      out[key] = maskSecret(v);
    } else {
      out[key] = redact(v, seen);
    }
  }
  return out as T;
}

/** A stored request or response body: JSON is redacted field by field, anything else as text. */
export function redactBody(body: string): string {
  try {
    return JSON.stringify(redact(JSON.parse(body) as unknown));
  } catch {
    return redactText(body);
  }
}
