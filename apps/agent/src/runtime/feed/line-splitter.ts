import { StringDecoder } from 'node:string_decoder';

/** Docker splits log lines at 16 KiB; so do we, so one runaway line cannot hold unbounded memory. */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Turns a byte stream into lines: keeps a partial last line until its newline arrives, drops the newline
 * (and a `\r` before it), never splits a UTF-8 character, and cuts lines longer than `maxChars`.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxChars = MAX_LINE_CHARS) {}

  push(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.cut(text.slice(start, nl).replace(/\r$/, ''), lines);
      start = nl + 1;
    }
    let rest = text.slice(start);
    while (rest.length >= this.maxChars) {
      lines.push(rest.slice(0, this.maxChars));
      rest = rest.slice(this.maxChars);
    }
    this.partial = rest;
    return lines;
  }

  /** The partial last line, if any: call when the stream ended. */
  flush(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    const lines: string[] = [];
    if (rest.length > 0) this.cut(rest, lines);
    return lines;
  }

  private cut(line: string, into: string[]): void {
    if (line.length <= this.maxChars) {
      into.push(line);
      return;
    }
    for (let i = 0; i < line.length; i += this.maxChars) into.push(line.slice(i, i + this.maxChars));
  }
}
