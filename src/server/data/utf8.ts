/**
 * Streaming UTF-8 validation that says where the first bad byte is (line and byte offset).
 * Node's TextDecoder({ fatal: true }) only says *that* a buffer is invalid, not where, and a user
 * with a Latin-1 export needs the line to fix, so we run the UTF-8 state machine ourselves.
 * A NUL byte is valid UTF-8 but never text in a CSV (a binary file, or UTF-16 without its
 * byte-order mark), so it is reported too. Lines end at \r\n, \n or a lone \r, as in an editor.
 */
export interface Utf8Problem {
  kind: 'invalid' | 'nul';
  /** 0-based byte offset in the input. */
  offset: number;
  /** 1-based physical line. */
  line: number;
  /** 0-based byte offset of the bad byte within its line. */
  lineOffset: number;
  byte: number;
}

const CR = 0x0d;
const LF = 0x0a;

export class Utf8Validator {
  private pending = 0; // continuation bytes still expected
  private min = 0; // lowest allowed value of the code point being decoded (rejects overlongs)
  private cp = 0;
  /** Where the multi-byte sequence being decoded started: the byte a user should look at. */
  private seqStart = 0;
  private seqByte = 0;
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private afterCr = false;

  /** Returns the first problem in this chunk, or null. */
  push(chunk: Uint8Array): Utf8Problem | null {
    for (let i = 0; i < chunk.length; i++, this.offset++) {
      const b = chunk[i];
      if (this.pending > 0) {
        if ((b & 0xc0) !== 0x80) return this.sequenceProblem();
        this.cp = (this.cp << 6) | (b & 0x3f);
        if (--this.pending === 0 && (this.cp < this.min || this.cp > 0x10ffff || (this.cp >= 0xd800 && this.cp <= 0xdfff))) return this.sequenceProblem();
        continue;
      }
      if (b >= 0x80) {
        this.seqStart = this.offset;
        this.seqByte = b;
      }
      if (b < 0x80) {
        if (b === 0) return this.problem(b, 'nul');
        if (b === CR || (b === LF && !this.afterCr)) this.line++;
        if (b === CR || b === LF) this.lineStart = this.offset + 1;
        this.afterCr = b === CR;
        continue;
      }
      this.afterCr = false;
      if ((b & 0xe0) === 0xc0) {
        this.pending = 1;
        this.cp = b & 0x1f;
        this.min = 0x80;
      } else if ((b & 0xf0) === 0xe0) {
        this.pending = 2;
        this.cp = b & 0x0f;
        this.min = 0x800;
      } else if ((b & 0xf8) === 0xf0) {
        this.pending = 3;
        this.cp = b & 0x07;
        this.min = 0x10000;
      } else {
        return this.problem(b, 'invalid');
      }
    }
    return null;
  }

  /** Call at end of input: a truncated final sequence is a problem too. */
  end(): Utf8Problem | null {
    return this.pending > 0 ? this.sequenceProblem() : null;
  }

  private sequenceProblem(): Utf8Problem {
    return { kind: 'invalid', offset: this.seqStart, line: this.line, lineOffset: this.seqStart - this.lineStart, byte: this.seqByte };
  }

  private problem(byte: number, kind: Utf8Problem['kind']): Utf8Problem {
    return { kind, offset: this.offset, line: this.line, lineOffset: this.offset - this.lineStart, byte };
  }
}
