/**
 * Line breaks as one byte: \r\n and a lone \r (old Mac exports, and files edited on more than one
 * system mix all three) become \n before the CSV parser, which otherwise settles on the first kind it
 * meets and reads the rest of a mixed file as ragged rows. A line break inside a quoted cell reads as
 * \n whatever the file used. Works on UTF-8 bytes: 0x0d never occurs inside a multi-byte sequence.
 */
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

export class NewlinesToLf extends Transform {
  /** The previous chunk ended in \r: its \n, if the next chunk starts with one, belongs to it. */
  private pendingCr = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.pendingCr && !chunk.includes(CR)) {
      cb(null, chunk);
      return;
    }
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let j = 0;
    let i = 0;
    if (this.pendingCr) {
      out[j++] = LF;
      if (chunk[0] === LF) i = 1;
      this.pendingCr = false;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== CR) {
        out[j++] = b;
      } else if (i + 1 === chunk.length) {
        this.pendingCr = true;
      } else {
        out[j++] = LF;
        if (chunk[i + 1] === LF) i++;
      }
    }
    cb(null, out.subarray(0, j));
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.pendingCr ? Buffer.of(LF) : undefined);
  }
}
