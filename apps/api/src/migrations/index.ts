import { Initial1766000000000 } from './1766000000000-initial';
import { AuditTrail1767000000000 } from './1767000000000-audit-trail';
import { IdentityAccess1768000000000 } from './1768000000000-identity-access';
import { JobsAndWebhooks1770000000000 } from './1770000000000-jobs-and-webhooks';
import { LivemodeSeparation1770600000000 } from './1770600000000-livemode-separation';
import { RefundCaptureParts1770700000000 } from './1770700000000-refund-capture-parts';
import { Reconciliation1771200000000 } from './1771200000000-reconciliation';
import { RoutingAndMonitoring1771300000000 } from './1771300000000-routing-and-monitoring';
import { KnowledgeBase1771400000000 } from './1771400000000-knowledge-base';
import { IssueLog1771410000000 } from './1771410000000-issue-log';
import { SupportCases1771420000000 } from './1771420000000-support-cases';
import { PrivacyRequests1771500000000 } from './1771500000000-privacy-requests';
import { Customers1771700000000 } from './1771700000000-customers';
import { Disputes1771700000001 } from './1771700000001-disputes';
import { PaymentSessions1771800000000 } from './1771800000000-payment-sessions';
import { Alerts1772000000000 } from './1772000000000-alerts';
import { DisputeEvidenceFiles1772200000000 } from './1772200000000-dispute-evidence-files';
import { ExportExpiry1772300000000 } from './1772300000000-export-expiry';

/** Every migration, in order. Later migrations are appended here. */
export const MIGRATIONS = [
  Initial1766000000000,
  AuditTrail1767000000000,
  IdentityAccess1768000000000,
  JobsAndWebhooks1770000000000,
  LivemodeSeparation1770600000000,
  RefundCaptureParts1770700000000,
  Reconciliation1771200000000,
  RoutingAndMonitoring1771300000000,
  KnowledgeBase1771400000000,
  IssueLog1771410000000,
  SupportCases1771420000000,
  PrivacyRequests1771500000000,
  Customers1771700000000,
  Disputes1771700000001,
  PaymentSessions1771800000000,
  Alerts1772000000000,
  DisputeEvidenceFiles1772200000000,
  ExportExpiry1772300000000,
];
