import type { Request, Response } from 'express';

/** Over TLS the cookie takes the `__Host-` prefix, which browsers only accept with `Secure`. */
export const SECURE_SESSION_COOKIE = '__Host-payrail_session';
/** Over plain-HTTP localhost a `Secure` cookie would never be sent back, so the prefix is dropped there. */
export const PLAIN_SESSION_COOKIE = 'payrail_session';
/** Readable by the console's script, which echoes it in `X-CSRF-Token`. */
export const CSRF_COOKIE = 'payrail_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    try {
      out[name] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // a malformed value is ignored, as if absent
    }
  }
  return out;
}

/** The session token from whichever cookie the request carries. */
export function sessionToken(req: Request): string | undefined {
  const cookies = readCookies(req);
  return cookies[SECURE_SESSION_COOKIE] ?? cookies[PLAIN_SESSION_COOKIE];
}

function serialize(
  name: string,
  value: string,
  options: { httpOnly: boolean; secure: boolean; maxAgeSeconds?: number },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Strict'];
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}

export function setSessionCookies(
  res: Response,
  secure: boolean,
  token: string,
  csrfToken: string,
  maxAgeSeconds: number,
): void {
  res.append(
    'Set-Cookie',
    serialize(secure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE, token, {
      httpOnly: true,
      secure,
      maxAgeSeconds,
    }),
  );
  res.append('Set-Cookie', serialize(CSRF_COOKIE, csrfToken, { httpOnly: false, secure, maxAgeSeconds }));
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  res.append(
    'Set-Cookie',
    serialize(secure ? SECURE_SESSION_COOKIE : PLAIN_SESSION_COOKIE, '', {
      httpOnly: true,
      secure,
      maxAgeSeconds: 0,
    }),
  );
  res.append('Set-Cookie', serialize(CSRF_COOKIE, '', { httpOnly: false, secure, maxAgeSeconds: 0 }));
}
