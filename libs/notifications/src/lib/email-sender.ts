import type { Transporter } from 'nodemailer';
import { redactText } from '@payrail/plugin-sdk';
import { isEmailAddress, type SmtpSettings } from './smtp-settings';

export interface EmailMessage {
  to: string | string[];
  subject: string;
  /** The plain-text body; always sent, so every mail client can read it. */
  text: string;
  /** An HTML alternative, already escaped or sanitized by the caller. */
  html?: string;
  replyTo?: string;
  /** Extra headers such as `X-Payrail-Alert`; names and values without line breaks. */
  headers?: Record<string, string>;
}

/** What became of one email: values, not exceptions, so a caller can record it. */
export type EmailResult =
  | { ok: true; messageId: string; accepted: string[]; latencyMs: number }
  | { ok: false; error: string; latencyMs: number };

const TIMEOUT_MS = 10_000;

/**
 * Sends email over SMTP (nodemailer) with the settings of `PAYRAIL_SMTP_URL`. Without settings it
 * sends nothing and says so in its result. Bad addresses are refused before any connection.
 */
export class EmailSender {
  private readonly transport: Transporter | null;

  constructor(private readonly settings: SmtpSettings | null) {
    this.transport = settings
      ? // nodemailer is loaded only where SMTP is configured.
        (require('nodemailer') as typeof import('nodemailer')).createTransport({
          host: settings.host,
          port: settings.port,
          secure: settings.secure,
          requireTLS: settings.requireTls,
          auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
          connectionTimeout: TIMEOUT_MS,
          greetingTimeout: TIMEOUT_MS,
          socketTimeout: TIMEOUT_MS,
        })
      : null;
  }

  /** Whether `PAYRAIL_SMTP_URL` is set. */
  get configured(): boolean {
    return this.transport !== null;
  }

  get from(): string | null {
    return this.settings?.from ?? null;
  }

  async send(message: EmailMessage): Promise<EmailResult> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    const to = Array.isArray(message.to) ? message.to : [message.to];
    const problem = checkMessage(message, to);
    if (problem) return { ok: false, error: problem, latencyMs: latencyMs() };
    if (!this.transport || !this.settings)
      return { ok: false, error: 'email is not configured: set PAYRAIL_SMTP_URL', latencyMs: latencyMs() };
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        replyTo: message.replyTo,
        headers: message.headers,
      });
      const accepted = (info.accepted ?? []).map((a: unknown) =>
        typeof a === 'string' ? a : String((a as { address?: string }).address ?? ''),
      );
      if (accepted.length === 0)
        return { ok: false, error: 'the SMTP server accepted no recipient', latencyMs: latencyMs() };
      return { ok: true, messageId: String(info.messageId ?? ''), accepted, latencyMs: latencyMs() };
    } catch (error) {
      // SMTP errors can echo the AUTH exchange; the redactor removes anything that looks secret.
      return { ok: false, error: redactText((error as Error).message).slice(0, 500), latencyMs: latencyMs() };
    }
  }

  close(): void {
    this.transport?.close();
  }
}

function checkMessage(message: EmailMessage, to: string[]): string | null {
  if (to.length === 0) return 'an email needs at least one recipient';
  const bad = to.find((address) => !isEmailAddress(address));
  if (bad !== undefined) return `'${bad}' is not an email address`;
  if (message.replyTo !== undefined && !isEmailAddress(message.replyTo))
    return `reply-to '${message.replyTo}' is not an email address`;
  if (/[\r\n]/.test(message.subject)) return 'the subject must be one line';
  for (const [name, value] of Object.entries(message.headers ?? {}))
    if (!/^[A-Za-z0-9-]+$/.test(name) || /[\r\n]/.test(value)) return `header ${name} is not a valid header`;
  return null;
}
