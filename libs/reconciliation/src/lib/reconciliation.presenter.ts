import type {
  ReconciliationExceptionResource,
  ReconciliationResultKind,
  ReconciliationRunResource,
} from '@payrail/api-contract';
import type { ReconciliationException } from './entities/reconciliation-exception.entity';
import type { ReconciliationRun } from './entities/reconciliation-run.entity';
import { RESULT_KINDS } from './matching';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentRun(run: ReconciliationRun): ReconciliationRunResource {
  const counts = Object.fromEntries(RESULT_KINDS.map((k) => [k, run.counts?.[k] ?? 0])) as Record<
    ReconciliationResultKind,
    number
  >;
  return {
    object: 'reconciliation_run',
    id: run.id,
    connection_id: run.connectionId,
    merchant_id: run.merchantId,
    gateway: run.gateway,
    trigger: run.trigger,
    status: run.status,
    progress: run.progress,
    from: run.windowFrom.toISOString(),
    to: run.windowTo.toISOString(),
    imported_count: run.importedCount,
    counts,
    totals: run.totals ?? [],
    digest: run.digest,
    duration_ms: run.durationMs,
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    error: run.error,
    created_at: run.createdAt.toISOString(),
  };
}

export function presentException(
  x: ReconciliationException,
  now = new Date(),
): ReconciliationExceptionResource {
  return {
    object: 'reconciliation_exception',
    id: x.id,
    run_id: x.runId,
    last_run_id: x.lastRunId,
    connection_id: x.connectionId,
    merchant_id: x.merchantId,
    gateway: x.gateway,
    kind: x.kind as ReconciliationResultKind,
    status: x.status,
    currency: x.currency,
    payrail_amount: x.payrailAmount,
    gateway_amount: x.gatewayAmount,
    reason: x.reason,
    payment_id: x.paymentId,
    payrail: x.payrailSide,
    gateway_record: x.gatewaySide,
    occurred_at: x.occurredAt.toISOString(),
    first_seen_at: x.firstSeenAt.toISOString(),
    last_seen_at: x.lastSeenAt.toISOString(),
    age_seconds: Math.max(0, Math.floor((now.getTime() - x.firstSeenAt.getTime()) / 1000)),
    resolution: x.resolution as ReconciliationExceptionResource['resolution'],
    resolution_note: x.resolutionNote,
    linked_reference: x.linkedReference,
    resolved_by: x.resolvedBy,
    resolved_at: iso(x.resolvedAt),
  };
}
