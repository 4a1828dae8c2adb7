/** What every gateway takes as dispute evidence, checked before sending; the API checks the content again. */
export const EVIDENCE_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

/** The problem with a chosen file, in words, or null when it may be sent. */
export function evidenceFileProblem(file: { type: string; size: number; name: string }): string | null {
  if (!EVIDENCE_TYPES.includes(file.type)) return `${file.name} is not a PDF, JPEG or PNG.`;
  if (file.size > EVIDENCE_MAX_BYTES) return `${file.name} is larger than 5 MB, the most the gateways take.`;
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}
