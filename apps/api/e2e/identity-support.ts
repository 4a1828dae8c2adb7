import type { INestApplication } from '@nestjs/common';
import { Clock, totpCode } from '@payrail/identity';
import type { TestApi } from './harness';

/** Moves the API's identity clock (lockout, session expiry, TOTP steps) without waiting. */
export function controlClock(app: INestApplication): {
  advance(ms: number): void;
  now(): Date;
  reset(): void;
} {
  const clock = app.get(Clock);
  let offset = 0;
  clock.now = () => new Date(Date.now() + offset);
  return {
    advance: (ms) => {
      offset += ms;
    },
    now: () => clock.now(),
    reset: () => {
      offset = 0;
    },
  };
}

export interface ConsoleResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** A browser-like console client: keeps the session cookie and sends the CSRF token on writes. */
export class ConsoleClient {
  cookies = new Map<string, string>();
  csrf?: string;
  sendCsrf = true;

  constructor(
    readonly api: TestApi,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ConsoleResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        ...this.extraHeaders,
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.sendCsrf && this.csrf && !['GET', 'HEAD'].includes(method)
          ? { 'x-csrf-token': this.csrf }
          : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep text
    }
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as { csrf_token?: unknown }).csrf_token === 'string'
    )
      this.csrf = (parsed as { csrf_token: string }).csrf_token;
    return { status: response.status, body: parsed, headers: response.headers };
  }

  login(email: string, password: string, extra: Record<string, string> = {}): Promise<ConsoleResponse> {
    return this.request('POST', '/admin/auth/login', { email, password, ...extra });
  }

  /** Enrols TOTP for the signed-in user and returns its secret and recovery codes. */
  async enrolMfa(clock: { now(): Date }): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await this.request('POST', '/admin/auth/mfa/enroll');
    if (started.status !== 200) throw new Error(`enrol: ${started.status} ${JSON.stringify(started.body)}`);
    const code = await totp(started.body.secret, clock.now());
    const confirmed = await this.request('POST', '/admin/auth/mfa/enroll/confirm', { code });
    if (confirmed.status !== 200)
      throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recovery_codes };
  }
}

export function totp(secret: string, at: Date): Promise<string> {
  return totpCode(secret, at);
}

export const OWNER = { email: 'owner@example.com', password: 'correct-horse-battery-staple' };
