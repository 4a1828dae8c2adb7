import { randomUUID } from 'node:crypto';
import type { Outcome } from '../lib/errors';
import {
  canAnswerDisputes,
  canUploadDisputeFiles,
  type DisputeFileUploader,
  type GatewayConnection,
  type PaymentGateway,
} from '../lib/gateway';

export interface DisputeFilesConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  gateway: () => PaymentGateway;
  /** A test-mode connection to the gateway's sandbox. */
  connection: () => GatewayConnection;
  /** Opens a dispute in the sandbox on a fresh captured payment; resolves to the gateway's dispute id. */
  openDispute: () => Promise<string>;
  /** What the gateway itself holds for an uploaded file (its name or type), read from the sandbox. */
  heldAtGateway: (disputeReference: string, fileReference: string) => unknown;
  /** Whether a file is itself evidence at the gateway (PayPal), so the dispute goes under review at once. */
  fileSubmits?: boolean;
}

/** A minimal PDF: what every gateway's evidence upload takes. */
export const CONFORMANCE_PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

function expectOk<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value;
}

/**
 * The shared suite for the optional `DisputeFileUploader` capability: a file reaches the gateway's
 * own API and is attached to the dispute there, and a file the gateway refuses is a failure in the
 * taxonomy, not a thrown error.
 */
export function describeDisputeFilesConformance(options: DisputeFilesConformanceOptions): void {
  let gateway: PaymentGateway & DisputeFileUploader;
  let connection: GatewayConnection;

  describe(`${options.name} dispute evidence files conformance`, () => {
    beforeAll(() => {
      const candidate = options.gateway();
      if (!canUploadDisputeFiles(candidate))
        throw new Error(`${options.name} does not implement DisputeFileUploader`);
      gateway = candidate;
      connection = options.connection();
    });

    it('uploads a PDF to the gateway and attaches it to the dispute there', async () => {
      const reference = await options.openDispute();
      const uploaded = expectOk(
        await gateway.uploadDisputeEvidenceFile(connection, {
          reference,
          idempotencyKey: `dispute-file-${randomUUID()}`,
          file: {
            name: 'receipt-1042.pdf',
            contentType: 'application/pdf',
            category: 'receipt',
            data: CONFORMANCE_PDF,
          },
        }),
      );
      expect(uploaded.fileReference).toEqual(expect.any(String));
      expect(uploaded.fileReference.length).toBeGreaterThan(0);
      expect(uploaded.dispute.reference).toBe(reference);
      expect(uploaded.dispute.status).toBe(options.fileSubmits ? 'under_review' : 'needs_response');
      expect(await options.heldAtGateway(reference, uploaded.fileReference)).toBeTruthy();
      if (!options.fileSubmits && canAnswerDisputes(gateway)) {
        const answered = expectOk(
          await gateway.submitDisputeEvidence(connection, {
            reference,
            text: 'Delivered and signed for; the receipt is attached.',
            idempotencyKey: `dispute-text-${randomUUID()}`,
          }),
        );
        expect(answered.status).toBe('under_review');
      }
    });

    it('reports a file the gateway refuses as a failed outcome', async () => {
      const reference = await options.openDispute();
      const refused = await gateway.uploadDisputeEvidenceFile(connection, {
        reference,
        idempotencyKey: `dispute-file-${randomUUID()}`,
        file: {
          name: 'notes.pdf',
          contentType: 'application/pdf',
          category: 'other',
          data: Buffer.from('plain words'),
        },
      });
      expect(refused.ok).toBe(false);
    });
  });
}
