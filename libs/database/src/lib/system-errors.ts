import { Injectable, Logger } from '@nestjs/common';

/** An operational failure nobody's request saw: a dead job, a refused webhook, a delivery given up. */
export interface SystemErrorEvent {
  /** What went wrong: `job_dead`, `webhook_signature_invalid`, `webhook_delivery_dead`… */
  kind: string;
  /** Where: `queue:<name>`, `connection:<id>`, `endpoint:<id>`. */
  source: string;
  title: string;
  detail?: string | null;
  merchantId?: string | null;
  paymentId?: string | null;
}

export type SystemErrorListener = (event: SystemErrorEvent) => Promise<void> | void;

/**
 * Where the parts that meet operational failures report them (the issue log listens). Reporting
 * never throws and never waits: a listener's trouble must not turn into the reporter's.
 */
@Injectable()
export class SystemErrors {
  private readonly logger = new Logger('SystemErrors');
  private readonly listeners: SystemErrorListener[] = [];

  subscribe(listener: SystemErrorListener): void {
    this.listeners.push(listener);
  }

  report(event: SystemErrorEvent): void {
    for (const listener of this.listeners)
      void Promise.resolve()
        .then(() => listener(event))
        .catch((error: Error) => this.logger.warn(`a listener failed on ${event.kind}: ${error.message}`));
  }
}
