import type { PrivacyRegime } from './privacy-request.entity';

/** When a request must be answered: GDPR Art. 12(3) one month, CCPA §1798.130 45 days. */
export function dueDate(regime: PrivacyRegime, received: Date): Date {
  const due = new Date(received);
  switch (regime) {
    case 'gdpr': {
      const day = due.getUTCDate();
      due.setUTCMonth(due.getUTCMonth() + 1);
      // 31 January + one month is the end of February, not 3 March.
      if (due.getUTCDate() !== day) due.setUTCDate(0);
      return due;
    }
    case 'ccpa':
      due.setUTCDate(due.getUTCDate() + 45);
      return due;
  }
}
