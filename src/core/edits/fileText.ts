// A file's text as lines plus the bytes around them (BOM, each line's own terminator, whether
// the file ends with one), so an edit can change some lines and give every other byte back as
// it was. Also the snapshot type the resolver works on, and the binary / size checks.
import { createHash } from 'node:crypto';
import type { EditProblem } from './editPlan';

export type Eol = '\n' | '\r\n';

export interface FileLines {
  bom: boolean;
  lines: string[];
  /** Terminator after each line: '\n', '\r\n', or '' for a last line without one. */
  eols: string[];
  /** The terminator new lines get: the one most lines already use (LF when the file has none). */
  eol: Eol;
}

export function splitFileText(text: string): FileLines {
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  // The engine's split is far faster than a scanning loop on large files; CRs are peeled after.
  const parts = body === '' ? [] : body.split('\n');
  const lines: string[] = new Array(parts.length);
  const eols: string[] = new Array(parts.length);
  let crlf = 0;
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1) {
      // After the last newline: an unterminated last line, or nothing.
      if (part !== '') {
        lines[count] = part;
        eols[count++] = '';
      }
      break;
    }
    if (part.charCodeAt(part.length - 1) === 13) {
      lines[count] = part.slice(0, -1);
      eols[count++] = '\r\n';
      crlf++;
    } else {
      lines[count] = part;
      eols[count++] = '\n';
    }
  }
  lines.length = count;
  eols.length = count;
  const lf = count - crlf - (count > 0 && eols[count - 1] === '' ? 1 : 0);
  return { bom, lines, eols, eol: crlf > lf ? '\r\n' : '\n' };
}

export function joinFileText(f: FileLines): string {
  let out = f.bom ? '\ufeff' : '';
  for (let i = 0; i < f.lines.length; i++) out += f.lines[i] + f.eols[i];
  return out;
}

/** Patch text lines: any terminator accepted, none kept (the file decides its own endings). */
export function splitPatchLines(text: string): string[] {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What the resolver knows about one existing file: its decoded text and the hash of its bytes. */
export interface FileSnapshot {
  text: string;
  hash: string;
}

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Decode a file's bytes for editing, or say why not: binary content (a NUL byte or bytes that
 * are not UTF-8) and files over the size limit are refused rather than mangled.
 */
export function snapshotFromBytes(
  path: string,
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_BYTES,
): { ok: true; snapshot: FileSnapshot } | { ok: false; problem: EditProblem } {
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      problem: {
        kind: 'too-large',
        path,
        message: `${path}: ${bytes.length} bytes is over the ${maxBytes}-byte limit for edits; edit it by hand or raise the limit.`,
      },
    };
  }
  if (bytes.indexOf(0) !== -1) {
    return { ok: false, problem: binaryProblem(path, 'it contains NUL bytes') };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, problem: binaryProblem(path, 'it is not valid UTF-8') };
  }
  return { ok: true, snapshot: { text, hash: sha256Hex(bytes) } };
}

/** For text already in memory (an open editor): the hash is of its UTF-8 bytes, as on disk. */
export function snapshotFromText(text: string): FileSnapshot {
  return { text, hash: sha256Hex(text) };
}

function binaryProblem(path: string, why: string): EditProblem {
  return {
    kind: 'binary',
    path,
    message: `${path}: refused to edit a binary file (${why}); text edits cannot change it safely.`,
  };
}
