/**
 * A task's first line, short enough for a notification or a progress message: cut at a word boundary
 * with an ellipsis rather than mid-word ("Fix the rac…"). A single word longer than the limit is cut.
 */
export function taskHeadline(task: string, max = 60): string {
  const line = (task.trim().split('\n')[0] ?? '').trim();
  if (line.length <= max) return line;
  const room = line.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  const cut = space >= max / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.–—-]+$/u, '')}…`;
}
