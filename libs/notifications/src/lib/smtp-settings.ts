import { isIP } from 'node:net';

/** Where and how Payrail sends email, read from one `PAYRAIL_SMTP_URL`. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** `smtps://`: TLS from the first byte (usually port 465). */
  secure: boolean;
  /** STARTTLS is mandatory on `smtp://` to any host but this machine, so credentials never cross a network in clear. */
  requireTls: boolean;
  user?: string;
  password?: string;
  /** The sender address (`?from=` in the URL); default `Payrail <payrail@localhost>`. */
  from: string;
}

/** A `PAYRAIL_SMTP_URL` that cannot be used; the message says what is expected and never carries the password. */
export class SmtpSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmtpSettingsError';
  }
}

const ADDRESS = /^[^@\s<>"',;]+@[^@\s<>"',;]+$/;

/** `Name <a@b>` or `a@b`, without line breaks (no header injection). */
export function isEmailAddress(value: string): boolean {
  if (/[\r\n]/.test(value)) return false;
  const angle = /^[^<>\r\n]*<([^<>]+)>$/.exec(value.trim());
  return ADDRESS.test(angle ? angle[1] : value.trim());
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Parses `smtp://[user:password@]host[:port][?from=address]` or `smtps://…`. User and password are
 * percent-decoded (encode `@` as `%40`).
 */
export function parseSmtpUrl(raw: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SmtpSettingsError('an smtp://[user:password@]host[:port][?from=address] or smtps://… URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new SmtpSettingsError(`an smtp:// or smtps:// URL, not ${url.protocol.replace(':', '')}://`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new SmtpSettingsError('an SMTP URL with a host');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const from = url.searchParams.get('from') ?? 'Payrail <payrail@localhost>';
  if (!isEmailAddress(from)) throw new SmtpSettingsError(`from= as an email address, not '${from}'`);
  for (const key of url.searchParams.keys())
    if (key !== 'from') throw new SmtpSettingsError(`no URL parameter but from= (not '${key}')`);
  return {
    host,
    port,
    secure,
    requireTls: !secure && !isLoopback(host),
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    from,
  };
}

/** The URL with its password masked, for logs and error messages. */
export function maskSmtpUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1****@');
}
