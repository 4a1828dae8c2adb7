// multipart/form-data bodies (RFC 7578) as the gateways' file uploads take them, and what a file is
// by its first bytes: the gateways judge an evidence file by its content, not by the name it came with.

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  /** Present on file parts. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data` content type, or undefined when it is not one. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^multipart\/form-data/i.test(contentType)) return undefined;
  return /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}="([^"]*)"`, 'i').exec(header);
  if (match) return match[1];
  return new RegExp(`(?:^|;)\\s*${name}=([^;\\s]+)`, 'i').exec(header)?.[1];
}

/** The parts of a body, bytes kept as sent; undefined when the body does not follow its boundary. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return undefined;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return parts;
    if (body.subarray(at, at + 2).toString() === '\r\n') at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) return undefined;
    const next = body.indexOf(delimiter, headerEnd + 4);
    if (next < 0) return undefined;
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = headerParam(disposition, 'name');
    if (name === undefined) return undefined;
    const filename = headerParam(disposition, 'filename');
    parts.push({
      name,
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type.slice(type.indexOf(':') + 1).trim() } : {}),
      data: body.subarray(headerEnd + 4, end),
    });
    at = next;
  }
}

export type SniffedFileType = 'pdf' | 'jpg' | 'png' | 'gif' | 'tiff' | 'heic';

/** What a file is by its signature; undefined for anything else (text, archives, executables…). */
export function sniffFileType(data: Buffer): SniffedFileType | undefined {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  const head = data.subarray(0, 6).toString('latin1');
  if (head === 'GIF87a' || head === 'GIF89a') return 'gif';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'tiff';
  if (
    data
      .subarray(4, 12)
      .toString('latin1')
      .match(/^ftyp(heic|heix|mif1|heif)$/)
  )
    return 'heic';
  return undefined;
}
