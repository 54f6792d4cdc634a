import { FSWatcher, watch } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { LineSplitter } from '../feed/line-splitter';

/**
 * Follows a log file an instance writes to (its stdout or stderr), line by line, from a byte offset the
 * caller persists: the file outlives the agent, so an agent that restarts resumes where the previous one
 * stopped instead of losing or repeating lines (at most the last second's, see `onOffset`).
 *
 * The file is emptied once read past `maxBytes`; the instance writes with O_APPEND so its next line lands
 * at the new start. Lines written between our last read and the truncation are lost: the same window
 * logrotate's copytruncate has, and the price of bounded disk use without signalling the instance.
 */
export class FileTail {
  private offset: number;
  private readonly splitter = new LineSplitter();
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly path: string,
    offset: number,
    private readonly onLine: (line: string, at: string) => void,
    private readonly options: { maxBytes: number; pollMs: number },
  ) {
    this.offset = offset;
  }

  get position(): number {
    return this.offset;
  }

  start(): void {
    if (this.watcher || this.stopped) return;
    try {
      this.watcher = watch(this.path, () => void this.read());
      this.watcher.on('error', () => undefined);
    } catch {
      // No inotify (or the file is gone): the poll below still follows it.
    }
    this.timer = setInterval(() => void this.read(), this.options.pollMs);
    this.timer.unref();
    void this.read();
  }

  /** Reads whatever is left, including a last line without its newline; for after the writer is gone. */
  async drain(): Promise<void> {
    await this.read();
    const at = new Date().toISOString();
    for (const line of this.splitter.flush()) this.onLine(line, at);
  }

  /** Stops following; `position` is where the next tail should resume. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
  }

  /** Reads run one after another, so lines come out in file order. */
  read(): Promise<void> {
    this.reading = this.reading.then(() => this.readOnce()).catch(() => undefined);
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return;
    }
    // Someone else truncated it (or a new file replaced it): start over from its beginning.
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return;
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      while (this.offset < size) {
        const { bytesRead } = await handle.read(
          buffer,
          0,
          Math.min(buffer.length, size - this.offset),
          this.offset,
        );
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const at = new Date().toISOString();
        for (const line of this.splitter.push(buffer.subarray(0, bytesRead))) this.onLine(line, at);
      }
    } finally {
      await handle.close();
    }
    if (this.offset >= this.options.maxBytes) {
      await truncate(this.path, 0).catch(() => undefined);
      this.offset = 0;
    }
  }
}
