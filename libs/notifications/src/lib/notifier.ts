import { Global, Inject, Injectable, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import type { OutboundPolicy, SendResult } from '@payrail/webhooks';
import { EmailSender, type EmailMessage, type EmailResult } from './email-sender';
import { sendSignedWebhook, type SignedWebhook } from './signed-webhook';
import { sendSlack, type SlackNotice } from './slack';
import { parseSmtpUrl } from './smtp-settings';

export interface NotificationsOptions {
  /** `PAYRAIL_SMTP_URL`; unset: email is not configured and every email result says so. */
  smtpUrl?: string;
  /** Test setting (`PAYRAIL_WEBHOOK_ALLOW_HTTP_LOOPBACK`): webhooks may reach a loopback receiver over http. */
  allowHttpLoopback?: boolean;
}

export const NOTIFICATIONS_OPTIONS = Symbol.for('payrail.notifications-options');

/** The one way Payrail tells people things: email, signed webhooks, Slack. Results are values; nothing throws. */
@Injectable()
export class Notifier implements OnModuleDestroy {
  readonly email: EmailSender;
  private readonly policy: OutboundPolicy;

  constructor(@Inject(NOTIFICATIONS_OPTIONS) options: NotificationsOptions) {
    this.email = new EmailSender(options.smtpUrl ? parseSmtpUrl(options.smtpUrl) : null);
    this.policy = { allowHttpLoopback: options.allowHttpLoopback ?? false };
  }

  sendEmail(message: EmailMessage): Promise<EmailResult> {
    return this.email.send(message);
  }

  sendSignedWebhook(message: SignedWebhook): Promise<SendResult> {
    return sendSignedWebhook(message, this.policy);
  }

  sendSlack(url: string, notice: SlackNotice): Promise<SendResult> {
    return sendSlack(url, notice, this.policy);
  }

  /** The outbound policy in force, for callers that check a URL when it is saved (`checkUrl`). */
  get outboundPolicy(): OutboundPolicy {
    return this.policy;
  }

  onModuleDestroy(): void {
    this.email.close();
  }
}

/** Global: any module injects `Notifier`. */
@Global()
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationsOptions): DynamicModule {
    return {
      module: NotificationsModule,
      providers: [{ provide: NOTIFICATIONS_OPTIONS, useValue: options }, Notifier],
      exports: [Notifier],
    };
  }
}
