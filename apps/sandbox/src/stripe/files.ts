// Stripe's File Upload API (`POST /v1/files`, multipart/form-data, on files.stripe.com) for dispute
// evidence: the limits Stripe documents for `dispute_evidence`, and the evidence fields that take a file id.
import { multipartBoundary, parseMultipart, sniffFileType, type MultipartPart } from '../kit';
import { invalidRequest, parameterInvalid, parameterMissing, parameterUnknown } from './errors';
import type { FormObject } from './form';
import { nowSeconds, stripeId } from './ids';
import type { StripeObject } from './state-types';

/** What `dispute_evidence` takes: PDF, JPEG or PNG, at most 5 MB a file. */
export const DISPUTE_EVIDENCE_TYPES = ['pdf', 'jpg', 'png'] as const;
export const DISPUTE_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
/** All the files of one dispute's evidence together, when it is submitted. */
export const DISPUTE_EVIDENCE_TOTAL_BYTES = 4.5 * 1024 * 1024;

/** The evidence fields whose value is the id of an uploaded `dispute_evidence` file. */
export const FILE_EVIDENCE_FIELDS = [
  'cancellation_policy',
  'customer_communication',
  'customer_signature',
  'duplicate_charge_documentation',
  'receipt',
  'refund_policy',
  'service_documentation',
  'shipping_documentation',
  'uncategorized_file',
] as const;

const PURPOSES = [
  'account_requirement',
  'additional_verification',
  'business_icon',
  'business_logo',
  'customer_signature',
  'dispute_evidence',
  'identity_document',
  'pci_document',
  'tax_document_user_upload',
  'terminal_reader_splashscreen',
];

export type FileObject = StripeObject & {
  filename: string | null;
  purpose: string;
  size: number;
  type: string | null;
};

/** A multipart upload read into the form the routes see, and its file part. */
export interface FileUpload {
  form: FormObject;
  file?: MultipartPart;
}

/** Reads `POST /v1/files`: multipart/form-data only, as Stripe requires. */
export function readFileUpload(body: Buffer, contentType: string): FileUpload {
  const boundary = multipartBoundary(contentType);
  if (!boundary)
    throw invalidRequest(
      'Invalid request (check that your POST content type is multipart/form-data). Files must be uploaded as multipart/form-data.',
    );
  const parts = parseMultipart(body, boundary);
  if (!parts) throw invalidRequest('Invalid multipart/form-data body: a part does not follow its boundary.');
  const form: FormObject = {};
  let file: MultipartPart | undefined;
  for (const part of parts) {
    if (part.name === 'file') file = part;
    else form[part.name] = part.data.toString('utf8');
  }
  return { form, ...(file ? { file } : {}) };
}

/** Stripe's checks on an upload, then the file object (its bytes are not kept: only their size and type). */
export function createFileObject(form: FormObject, file: MultipartPart | undefined): FileObject {
  for (const key of Object.keys(form))
    if (key !== 'purpose' && !key.startsWith('expand')) throw parameterUnknown(key);
  const purpose = form['purpose'];
  if (typeof purpose !== 'string' || !purpose) throw parameterMissing('purpose');
  if (!PURPOSES.includes(purpose))
    throw parameterInvalid('purpose', `Invalid purpose: must be one of ${PURPOSES.join(', ')}`);
  if (!file || file.filename === undefined) throw parameterMissing('file');
  if (file.data.length === 0) throw parameterInvalid('file', 'The file you uploaded is empty.');
  const type = sniffFileType(file.data);
  if (purpose === 'dispute_evidence') {
    if (!type || !(DISPUTE_EVIDENCE_TYPES as readonly string[]).includes(type))
      throw invalidRequest(
        `The file you uploaded is not a supported type for the dispute_evidence purpose. Supported types are: ${DISPUTE_EVIDENCE_TYPES.join(', ')}.`,
        { code: 'file_upload_invalid_file_type', param: 'file' },
      );
    if (file.data.length > DISPUTE_EVIDENCE_MAX_BYTES)
      throw invalidRequest(
        `The file you uploaded is too large (${file.data.length} bytes). Files with purpose dispute_evidence can be at most 5MB.`,
        { code: 'file_upload_size_exceeded', param: 'file' },
      );
  }
  const created = nowSeconds();
  return {
    id: stripeId('file'),
    object: 'file',
    created,
    expires_at: null,
    filename: file.filename || 'blob',
    links: { object: 'list', data: [], has_more: false, url: '/v1/file_links' },
    purpose,
    size: file.data.length,
    title: null,
    type: type ?? null,
    url: null,
  };
}
