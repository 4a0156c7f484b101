// Text on its way to a terminal. Model output (a review's summary, a finding, an answer, a file's
// new line) is data: a control sequence in it must not move the cursor, erase lines, retitle the
// window or switch the terminal's mode — "ESC[1A ESC[2K" above the [y/N] prompt hid the line that
// mattered. C0 controls (but newline and tab), DEL and C1 controls (U+0080–U+009F, which some
// terminals obey as ESC-sequences) are written as \u001b-style escapes: visible, inert, and still
// valid inside a JSON string, so JSON and SARIF output keep their meaning.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
