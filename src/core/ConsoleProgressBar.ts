import type { SparkListenerEvent } from '../scheduler/events.js';

interface StageProgress {
  id: number;
  total: number;
  done: number;
  running: number;
}

/** Spark's console progress bar, `[Stage 3:=====>        (12 + 4) / 32]`, redrawn on a terminal as tasks end. */
export class ConsoleProgressBar {
  private readonly stages = new Map<number, StageProgress>();
  private last = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly width = 80,
  ) {}

  onEvent(e: SparkListenerEvent): void {
    switch (e.type) {
      case 'stageSubmitted':
        this.stages.set(e.stageId, { id: e.stageId, total: e.numTasks, done: 0, running: 0 });
        break;
      case 'taskStart': {
        const s = this.stages.get(e.stageId);
        if (s) s.running++;
        break;
      }
      case 'taskEnd': {
        const s = this.stages.get(e.stageId);
        if (s) {
          s.running = Math.max(0, s.running - 1);
          if (e.result === 'success') s.done++;
        }
        break;
      }
      case 'stageCompleted':
        this.stages.delete(e.stageId);
        break;
      default:
        return;
    }
    this.schedule();
  }

  /** Renders the bars for the running stages (several share the line, as in Spark). */
  static render(stages: StageProgress[], width: number): string {
    const each = Math.floor(width / Math.max(1, stages.length));
    return stages
      .map((s) => {
        const header = `[Stage ${s.id}:`;
        const tailer = `(${s.done} + ${s.running}) / ${s.total}]`;
        const w = each - header.length - tailer.length;
        if (w <= 0) return `${header}${tailer}`;
        const percent = s.total === 0 ? w : Math.floor((w * s.done) / s.total);
        const bar = '='.repeat(percent) + (percent < w ? '>' + ' '.repeat(w - percent - 1) : '');
        return `${header}${bar}${tailer}`;
      })
      .join('');
  }

  private schedule(): void {
    if (this.timer) return;
    // Spark redraws at most every 200 ms.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
    }, 200);
    this.timer.unref();
  }

  private draw(): void {
    const line = ConsoleProgressBar.render([...this.stages.values()].slice(0, 3), this.width);
    if (line === this.last) return;
    this.out.write(`\r${line}${' '.repeat(Math.max(0, this.last.length - line.length))}`);
    this.last = line;
    if (line === '') this.out.write('\r');
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.last !== '') this.out.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
  }
}
