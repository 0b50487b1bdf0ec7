/**
 * Which text encoding a CSV is in, decided only where the bytes make it certain: a byte-order mark.
 * UTF-8 (with or without its mark) is read as it is; UTF-16 with its mark — what Excel writes for
 * "Unicode Text" — is decoded to UTF-8 on the way in. UTF-32 is refused by name. Anything else is
 * read as UTF-8 and validated (utf8.ts); a file in an 8-bit code page such as Windows-1252 fails that
 * check with the line and byte to look at. It is never decoded as Windows-1252 by guess: byte 0xA4 is
 * "¤" in Windows-1252, "€" in ISO-8859-15 and "§" in Mac Roman, and 0xE9 is "é" in the first two but
 * "È" in Mac Roman, so a wrong guess would silently change the texts. The error names the likely
 * reading so the user can re-save the file as UTF-8.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type Sniffed = { encoding: TextEncoding; bomLength: number } | { unsupported: string };

const startsWith = (buf: Uint8Array, bytes: readonly number[]) => bytes.every((b, i) => buf[i] === b);

/** The encoding the first bytes of a file declare (UTF-8 when they declare none). */
export function sniffEncoding(head: Uint8Array): Sniffed {
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00]) || startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return { unsupported: 'UTF-32' };
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/** The file's first bytes as text, for delimiter detection (lenient: a bad byte becomes U+FFFD). */
export function decodeHead(head: Uint8Array, encoding: TextEncoding): string {
  return new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
}

/** How a byte that is not UTF-8 would read in Windows-1252, the usual 8-bit export, for an error message. */
export function asWindows1252(byte: number): string {
  return new TextDecoder('windows-1252').decode(Uint8Array.of(byte));
}

/** Where UTF-16 input stopped decoding, for the error message. */
export class Utf16Problem extends Error {
  constructor(readonly offset: number) {
    super('invalid UTF-16');
  }
}

/** UTF-16 (its byte-order mark dropped) in, UTF-8 out; an unpaired surrogate or an odd last byte is a Utf16Problem. */
export class Utf16ToUtf8 extends Transform {
  private readonly decoder: TextDecoder;
  private offset = 0;

  constructor(encoding: 'utf-16le' | 'utf-16be') {
    super();
    this.decoder = new TextDecoder(encoding, { fatal: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      const text = this.decoder.decode(chunk, { stream: true });
      this.offset += chunk.length;
      cb(null, Buffer.from(text, 'utf8'));
    } catch {
      cb(new Utf16Problem(this.offset));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      const text = this.decoder.decode();
      cb(null, text ? Buffer.from(text, 'utf8') : undefined);
    } catch {
      cb(new Utf16Problem(this.offset));
    }
  }
}
