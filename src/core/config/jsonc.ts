// A small JSONC reader (JSON with comments and trailing commas, as VS Code's own settings files)
// that also remembers where each value starts, so a policy error can name the line and column.

export interface JsoncLocation {
  line: number; // 1-based
  column: number; // 1-based
}

export interface JsoncResult {
  value: unknown;
  /** Start of each value, keyed by its JSON path joined with '/' ("" is the root). */
  locations: Map<string, JsoncLocation>;
}

export class JsoncSyntaxError extends Error {
  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    readonly location: JsoncLocation,
  ) {
    super(`${reason} at line ${location.line}, column ${location.column}`);
    this.name = 'JsoncSyntaxError';
  }
}

/** Deeper than any real policy; a file nested past it is refused (recursion would otherwise overflow the stack). */
export const MAX_JSONC_DEPTH = 64;

export function pathKey(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('/');
}

export function parseJsonc(text: string): JsoncResult {
  const locations = new Map<string, JsoncLocation>();
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // Line starts, computed once, so locating a value is a binary search, not a rescan.
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const locate = (at: number): JsoncLocation => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - lineStarts[lo]! + 1 };
  };
  const fail = (message: string, at = i): never => {
    throw new JsoncSyntaxError(at >= text.length ? `unexpected end of file (${message})` : message, locate(at));
  };

  const skipTrivia = (): void => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) fail('unterminated comment');
        i = end + 2;
      } else return;
    }
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\n') fail('line break inside a string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('invalid escape in string');
      } else {
        out += c;
        i++;
      }
    }
  };

  const readValue = (path: PropertyKey[]): unknown => {
    skipTrivia();
    locations.set(pathKey(path), locate(i));
    const c = text[i];
    if ((c === '{' || c === '[') && path.length >= MAX_JSONC_DEPTH) {
      fail(`nested deeper than ${MAX_JSONC_DEPTH} levels; a routing policy never is`);
    }
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        skipTrivia();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        if (text[i] !== '"') fail('expected a property name in double quotes');
        const key = readString();
        skipTrivia();
        if (text[i] !== ':') fail(`expected ':' after "${key}"`);
        i++;
        // Defined, not assigned: a "__proto__" key stays an ordinary (and, to the schema, unknown) key.
        Object.defineProperty(obj, key, {
          value: readValue([...path, key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipTrivia();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      for (;;) {
        skipTrivia();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        arr.push(readValue([...path, arr.length]));
        skipTrivia();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!literal) fail(i >= text.length ? 'unexpected end of file' : `unexpected character '${c}'`);
    i += literal![0].length;
    return JSON.parse(literal![0]);
  };

  const value = readValue([]);
  skipTrivia();
  if (i < text.length) fail('unexpected text after the end of the document');
  return { value, locations };
}
