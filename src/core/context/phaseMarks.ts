// Where a warm `locate` spends its time, told phase by phase when SWITCHYARD_TIMING is set: each mark
// records the wall clock (ms since the process started, by process.uptime(): the `performance`
// global would load perf_hooks, itself a cost worth marking) and the process's CPU time so far, and
// the CLI prints them to stderr at the end. Off, a mark is one boolean test: the marks stay in the
// warm path for whoever measures it next.

const on = !!process.env.SWITCHYARD_TIMING;
type Mark = [name: string, wallMs: number, cpuMs: number];
/** On globalThis: dist/cli.js and the bundle it loads each hold their own copy of this module. */
const holder = globalThis as { switchyardPhaseMarks?: Mark[] };
const marks = (holder.switchyardPhaseMarks ??= []);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Records that the named phase has just ended (nothing unless SWITCHYARD_TIMING is set). */
export function mark(name: string): void {
  if (on) marks.push([name, process.uptime() * 1000, cpuMs()]);
}

/** The marks as lines (phase, ms since start, ms since the previous mark, CPU ms since start), or '' when off. */
export function phaseReport(): string {
  if (!on || !marks.length) return '';
  let prev = 0;
  const lines = marks.map(([name, wall, cpu]) => {
    const line = `${name.padEnd(22)} at ${wall.toFixed(1).padStart(7)} ms  +${(wall - prev).toFixed(1).padStart(6)} ms  cpu ${cpu.toFixed(1).padStart(7)} ms`;
    prev = wall;
    return line;
  });
  return `switchyard timing:\n${lines.join('\n')}\n`;
}
