import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { newId } from '@payrail/database';
import { Notifier } from '@payrail/notifications';
import { SUPPORT_OPTIONS, type SupportOptions } from '../support.options';
import { SupportCaseEvent, type SupportCase } from './case.entities';

export type CaseNotice = 'support_case.escalated' | 'support_case.sla_at_risk' | 'support_case.sla_breached';

/**
 * Tells the escalation channels (a signed webhook, an email address; `PAYRAIL_SUPPORT_*`) about
 * an escalation or a breach, and writes what each channel answered on the case's timeline.
 * Sending never fails the change it reports.
 */
@Injectable()
export class CaseNotifier {
  private readonly logger = new Logger('SupportCases');

  constructor(
    @Inject(SUPPORT_OPTIONS) private readonly options: SupportOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly notifier?: Notifier,
  ) {}

  caseUrl(id: string): string {
    return `${this.options.publicUrl.replace(/\/+$/, '')}/cases/${id}`;
  }

  async notify(c: SupportCase, type: CaseNotice, reason: string): Promise<void> {
    const channels = this.options.escalation ?? {};
    if (!this.notifier || (!channels.webhookUrl && !channels.email)) return;
    const payload = {
      type,
      case: {
        id: c.id,
        subject: c.subject,
        priority: c.priority,
        tier: c.tier,
        status: c.status,
        merchant_id: c.merchantId,
        url: this.caseUrl(c.id),
      },
      reason,
      sent_at: new Date().toISOString(),
    };
    const results: Record<string, { ok: boolean; error?: string }> = {};
    if (channels.webhookUrl && channels.webhookSecret) {
      const sent = await this.notifier.sendSignedWebhook({
        url: channels.webhookUrl,
        secret: channels.webhookSecret,
        payload,
        headers: { 'payrail-event': type },
      });
      results['webhook'] = sent.ok
        ? { ok: true }
        : { ok: false, error: sent.error ?? `HTTP ${sent.statusCode}` };
    }
    if (channels.email) {
      const what =
        type === 'support_case.sla_breached'
          ? 'missed its SLA'
          : type === 'support_case.sla_at_risk'
            ? 'is about to miss its SLA'
            : `was escalated to ${c.tier}`;
      const sent = await this.notifier.sendEmail({
        to: channels.email,
        subject: `[${c.priority}] Case ${c.id} ${what}`,
        text: `${c.subject}\n\n${reason}\n\nTier: ${c.tier}, status: ${c.status}\n${this.caseUrl(c.id)}\n`,
      });
      results['email'] = sent.ok ? { ok: true } : { ok: false, error: sent.error };
    }
    for (const [channel, r] of Object.entries(results))
      if (!r.ok) this.logger.warn(`could not notify ${channel} about case ${c.id}: ${r.error}`);
    await this.dataSource
      .getRepository(SupportCaseEvent)
      .save({
        id: newId('cev'),
        caseId: c.id,
        type: 'notified',
        actorId: null,
        body: null,
        data: { notice: type, channels: results },
      })
      .catch((error: Error) =>
        this.logger.warn(`could not record the notification of case ${c.id}: ${error.message}`),
      );
  }
}
