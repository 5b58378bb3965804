/**
 * Compressed hook bodies: `Content-Encoding: gzip` (or `x-gzip`) and `deflate` (zlib, RFC 9110
 * §8.4.1.2) are decoded after the signature is checked on the bytes as sent, never past the body
 * limit: zlib stops at `maxOutputLength`, so a small body that inflates to gigabytes costs at most
 * the limit in memory. The decoded body is what is checked, stored and read.
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { HyError } from '../errors.js';

export type ContentCoding = 'gzip' | 'deflate';

const CODINGS: Readonly<Record<string, ContentCoding | null>> = { identity: null, gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate' };

const decoders = { gzip: promisify(gunzip), deflate: promisify(inflate) } as const;

/**
 * The coding a Content-Encoding header names, or null for none (absent, empty or `identity`).
 * Throws HY_ERR_CONTENT_ENCODING_UNSUPPORTED for any other, and for a list: no sender compresses
 * a hook twice.
 */
export function contentCoding(header: string | string[] | undefined): ContentCoding | null {
  if (header === undefined) return null;
  const text = (Array.isArray(header) ? header.join(',') : header).trim().toLowerCase();
  if (text === '') return null;
  const coding = Object.hasOwn(CODINGS, text) ? CODINGS[text] : undefined;
  if (coding === undefined) throw new HyError('HY_ERR_CONTENT_ENCODING_UNSUPPORTED', `got "${text.slice(0, 40)}"`);
  return coding;
}

/** The body decoded; 413 past `limitBytes` decoded, 400 when the bytes are not what `coding` says. */
export async function decodeBody(body: Buffer, coding: ContentCoding, limitBytes: number): Promise<Buffer> {
  try {
    return await decoders[coding](body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HyError('HY_ERR_BODY_TOO_LARGE', `decoded from ${coding}, it is over ${limitBytes} bytes`);
    }
    throw new HyError('HY_ERR_BODY_INVALID', `the body is not valid ${coding} data`);
  }
}
