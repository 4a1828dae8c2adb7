import { randomBytes } from 'node:crypto';
import type { AuditActorContext, AuditService } from '@payrail/audit';
import type { TransactionRunner } from '@payrail/database';
import {
  Keyring,
  masterKeyFrom,
  rewrapAll,
  SEALED_LOCATIONS,
  SecretBox,
  type RewrapResult,
} from '@payrail/secrets';

/** A fresh master key: 32 random bytes, base64, as PAYRAIL_MASTER_KEY takes it. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The keyring a rotation runs with: the target key current, every key the process has loaded
 * (current and previous) kept, so each old value can still be opened to be rewrapped.
 */
export function rotationKeyring(target: string, loaded: Keyring): Keyring {
  const next = masterKeyFrom(target);
  return new Keyring(
    next,
    loaded.loaded().filter((k) => k.id !== next.id),
  );
}

/**
 * Re-wraps every credential's data key under the keyring's current master key (the secrets
 * themselves are never decrypted), and records the rotation in the audit trail with counts and
 * key ids only.
 */
export async function rotateMasterKey(
  deps: { transactions: TransactionRunner; audit: AuditService },
  keyring: Keyring,
  options: { batchSize?: number; context: AuditActorContext; onProgress?: (result: RewrapResult) => void },
): Promise<RewrapResult> {
  // Every sealed value: connection credentials and webhook endpoint signing secrets.
  const box = new SecretBox(keyring);
  let result: RewrapResult | undefined;
  for (const location of SEALED_LOCATIONS) {
    const part = await rewrapAll(deps.transactions, box, {
      batchSize: options.batchSize,
      onProgress: options.onProgress,
      location,
    });
    result = result ? mergeRewrap(result, part) : part;
  }
  if (!result) throw new Error('no sealed locations to rewrap');
  await deps.audit.record({
    ...options.context,
    action: 'master_key.rotated',
    outcome: result.failed === 0 ? 'success' : 'failure',
    reason: result.failed === 0 ? null : `${result.failed} connection(s) could not be rewrapped`,
    resource: { type: 'master_key', id: result.keyId },
    change: {
      after: {
        keyId: result.keyId,
        scanned: result.scanned,
        rewrapped: result.rewrapped,
        alreadyCurrent: result.alreadyCurrent,
        empty: result.empty,
        failed: result.failed,
        rewrappedFrom: result.rewrappedFrom,
        failures: result.failures,
      },
    },
  });
  return result;
}

function mergeRewrap(a: RewrapResult, b: RewrapResult): RewrapResult {
  const rewrappedFrom = { ...a.rewrappedFrom };
  for (const [key, n] of Object.entries(b.rewrappedFrom)) rewrappedFrom[key] = (rewrappedFrom[key] ?? 0) + n;
  return {
    keyId: b.keyId,
    scanned: a.scanned + b.scanned,
    rewrapped: a.rewrapped + b.rewrapped,
    alreadyCurrent: a.alreadyCurrent + b.alreadyCurrent,
    empty: a.empty + b.empty,
    failed: a.failed + b.failed,
    failures: [...a.failures, ...b.failures],
    rewrappedFrom,
  };
}
