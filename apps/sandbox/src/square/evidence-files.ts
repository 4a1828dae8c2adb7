// Square's CreateDisputeEvidenceFile: a multipart/form-data upload (`request` JSON beside
// `image_file`) in the formats Square lists, judged by the file's content as Square does.
import { randomBytes } from 'node:crypto';
import { sniffFileType, type MultipartPart, type SniffedFileType } from '../kit';
import { EVIDENCE_TYPES, type SquareDisputes } from './disputes';
import { invalid, missing } from './errors';

type Json = Record<string, unknown>;

/** The formats CreateDisputeEvidenceFile takes (HEIC, HEIF, JPEG, PDF, PNG, TIFF), by signature. */
export const EVIDENCE_FILE_TYPES: Partial<Record<SniffedFileType, string>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  heic: 'image/heic',
};
const DECLARABLE = ['application/pdf', 'image/jpeg', 'image/png', 'image/tiff', 'image/heic', 'image/heif'];
/** The sandbox's limit for one evidence file. */
export const EVIDENCE_FILE_MAX_BYTES = 5 * 1024 * 1024;

const sid = (n: number) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'E').slice(0, n);

/** `POST /v2/disputes/{dispute_id}/evidence-files`. Replays by idempotency key, per dispute. */
export function squareEvidenceFiles(disputes: SquareDisputes) {
  const replays = new Map<string, Json>();

  return (id: string, parts: MultipartPart[] | undefined): Json => {
    const dispute = disputes.get(id);
    if (!parts)
      throw invalid(
        'INVALID_CONTENT_TYPE',
        'CreateDisputeEvidenceFile takes a multipart/form-data body with `request` and `image_file` parts',
        undefined,
        415,
      );
    const requestPart = parts.find((p) => p.name === 'request');
    if (!requestPart) throw missing('request');
    let request: Json;
    try {
      const parsed: unknown = JSON.parse(requestPart.data.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      request = parsed as Json;
    } catch {
      throw invalid('BAD_REQUEST', 'The `request` part is not a JSON object', 'request');
    }
    const key = request['idempotency_key'];
    if (typeof key !== 'string' || !key) throw missing('request.idempotency_key');
    if (key.length > 45)
      throw invalid('VALUE_TOO_LONG', 'Field must not be greater than 45 length', 'request.idempotency_key');
    const replayed = replays.get(`${id}:${key}`);
    if (replayed) return { evidence: replayed };
    const type = request['evidence_type'] ?? 'GENERIC_EVIDENCE';
    if (!(EVIDENCE_TYPES as readonly unknown[]).includes(type))
      throw invalid(
        'INVALID_ENUM_VALUE',
        `evidence_type must be one of ${EVIDENCE_TYPES.join(', ')}`,
        'request.evidence_type',
      );
    const declared = request['content_type'];
    if (declared !== undefined && (typeof declared !== 'string' || !DECLARABLE.includes(declared)))
      throw invalid(
        'INVALID_CONTENT_TYPE',
        `content_type must be one of ${DECLARABLE.join(', ')}`,
        'request.content_type',
      );
    const file = parts.find((p) => p.name === 'image_file' && p.filename !== undefined);
    if (!file || file.data.length === 0) throw missing('image_file');
    if (file.data.length > EVIDENCE_FILE_MAX_BYTES)
      throw invalid(
        'REQUEST_ENTITY_TOO_LARGE',
        `The evidence file is ${file.data.length} bytes; it must be at most ${EVIDENCE_FILE_MAX_BYTES} bytes`,
        'image_file',
        413,
      );
    const sniffed = sniffFileType(file.data);
    const filetype = sniffed ? EVIDENCE_FILE_TYPES[sniffed] : undefined;
    if (!filetype)
      throw invalid(
        'UNSUPPORTED_MEDIA_TYPE',
        'Dispute evidence files must be application/pdf, image/heic, image/heif, image/jpeg, image/png, or image/tiff',
        'image_file',
        415,
      );
    if (dispute.state !== 'EVIDENCE_REQUIRED' && dispute.state !== 'INQUIRY_EVIDENCE_REQUIRED')
      throw invalid('BAD_REQUEST', `The dispute is ${dispute.state}; evidence can no longer be added.`);
    const evidenceId = sid(22);
    const evidence = disputes.addEvidence(dispute, {
      id: evidenceId,
      evidence_id: evidenceId,
      dispute_id: id,
      evidence_file: { filename: (file.filename || 'evidence').slice(0, 40), filetype },
      evidence_type: type,
      uploaded_at: new Date().toISOString(),
    });
    replays.set(`${id}:${key}`, evidence);
    return { evidence };
  };
}
