/**
 * A JSON reader that keeps what Avro's Java parser reads and `JSON.parse` loses. Avro's Java
 * parser reads schemas with Jackson, which tells `1` (an integral number, valid as an `int`
 * default) from `1.0` (a floating-point number, not valid as one), and keeps all digits of a
 * long. Avro turns on Jackson's ALLOW_COMMENTS, so `//` and `/* *\/` comments are accepted
 * between tokens, and Avro rejects any text after the root value, comments included.
 */

/** A parsed JSON value; numbers keep their source text. */
export type JsonNode =
  | { kind: 'null' }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; text: string; integral: boolean; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'object'; members: Map<string, JsonNode> };

/** Invalid JSON text, with the 1-based line and column where reading stopped. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';

  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}.`);
  }
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Parses JSON text as Avro's Java parser reads it, or throws a `JsonSyntaxError`. */
export function parseJsonText(text: string): JsonNode {
  const reader = new JsonReader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  reader.skipSpace(true);
  const root = reader.readValue();
  reader.skipSpace(false);
  reader.expectEnd();
  return root;
}

/**
 * Converts a value produced by `JSON.parse` (or built in code) into a `JsonNode`. A number is
 * integral when it has no fractional part, because the source text is gone: `1.0` in the
 * original file therefore counts as the integer 1 here.
 */
export function jsonNodeFromValue(value: unknown): JsonNode {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number.`);
    const integral = Number.isInteger(value);
    const text = integral ? BigInt(value).toString() : String(value);
    return { kind: 'number', text, integral, value };
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map(jsonNodeFromValue) };
  if (typeof value === 'object') {
    const members = new Map<string, JsonNode>();
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) members.set(key, jsonNodeFromValue(member));
    }
    return { kind: 'object', members };
  }
  throw new TypeError(`A ${typeof value} is not a JSON value.`);
}

/** Converts a `JsonNode` back into a plain JavaScript value (numbers as `number`). */
export function jsonNodeToValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'boolean':
    case 'string':
    case 'number':
      return node.value;
    case 'array':
      return node.items.map(jsonNodeToValue);
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [key, member] of node.members) result[key] = jsonNodeToValue(member);
      return result;
    }
  }
}

/** Returns the string value of a member, or undefined when it is absent or not a string. */
export function stringMember(node: JsonNode, key: string): string | undefined {
  if (node.kind !== 'object') return undefined;
  const member = node.members.get(key);
  return member?.kind === 'string' ? member.value : undefined;
}

/** Returns whether a number node is integral and within the given inclusive bounds. */
export function isIntegralWithin(node: JsonNode, min: bigint, max: bigint): boolean {
  if (node.kind !== 'number' || !node.integral) return false;
  const value = BigInt(node.text);
  return value >= min && value <= max;
}

class JsonReader {
  private position = 0;

  constructor(private readonly text: string) {}

  readValue(): JsonNode {
    const char = this.text[this.position];
    if (char === '{') return this.readObject();
    if (char === '[') return this.readArray();
    if (char === '"') return { kind: 'string', value: this.readString() };
    if (char !== undefined && /[-0-9]/.test(char)) return this.readNumber();
    if (this.readKeyword('true')) return { kind: 'boolean', value: true };
    if (this.readKeyword('false')) return { kind: 'boolean', value: false };
    if (this.readKeyword('null')) return { kind: 'null' };
    throw this.error(
      char === undefined ? 'Unexpected end of input' : `Unexpected character '${char}'`,
    );
  }

  /** Skips whitespace and, when allowed, comments: Avro rejects a comment after the root. */
  skipSpace(allowComments: boolean): void {
    for (;;) {
      const char = this.text[this.position];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
        this.position += 1;
      } else if (allowComments && char === '/' && this.text[this.position + 1] === '/') {
        const end = this.text.indexOf('\n', this.position);
        this.position = end === -1 ? this.text.length : end + 1;
      } else if (allowComments && char === '/' && this.text[this.position + 1] === '*') {
        const end = this.text.indexOf('*/', this.position + 2);
        if (end === -1) throw this.error('Unterminated comment');
        this.position = end + 2;
      } else {
        return;
      }
    }
  }

  expectEnd(): void {
    if (this.position < this.text.length) throw this.error('Unexpected content after the schema');
  }

  private readObject(): JsonNode {
    const members = new Map<string, JsonNode>();
    this.position += 1;
    this.skipSpace(true);
    if (this.consume('}')) return { kind: 'object', members };
    for (;;) {
      if (this.text[this.position] !== '"') {
        throw this.error('Expected a double-quoted member name');
      }
      const key = this.readString();
      this.skipSpace(true);
      if (!this.consume(':')) throw this.error("Expected ':' after a member name");
      this.skipSpace(true);
      // Jackson keeps the last value of a repeated member, at the place of the first.
      members.set(key, this.readValue());
      this.skipSpace(true);
      if (this.consume('}')) return { kind: 'object', members };
      if (!this.consume(',')) throw this.error("Expected ',' or '}' in an object");
      this.skipSpace(true);
    }
  }

  private readArray(): JsonNode {
    const items: JsonNode[] = [];
    this.position += 1;
    this.skipSpace(true);
    if (this.consume(']')) return { kind: 'array', items };
    for (;;) {
      items.push(this.readValue());
      this.skipSpace(true);
      if (this.consume(']')) return { kind: 'array', items };
      if (!this.consume(',')) throw this.error("Expected ',' or ']' in an array");
      this.skipSpace(true);
    }
  }

  private readString(): string {
    let result = '';
    this.position += 1;
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) throw this.error('Unterminated string');
      if (char === '"') break;
      if (char.charCodeAt(0) < 0x20) throw this.error('Unescaped control character in a string');
      if (char === '\\') {
        result += this.readEscape();
      } else {
        result += char;
        this.position += 1;
      }
    }
    this.position += 1;
    return result;
  }

  private readEscape(): string {
    const code = this.text[this.position + 1];
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
    if (code !== undefined && code in simple) {
      this.position += 2;
      return simple[code] as string;
    }
    const hex = this.text.slice(this.position + 2, this.position + 6);
    if (code !== 'u' || !/^[0-9a-fA-F]{4}$/.test(hex)) {
      throw this.error('Invalid escape in a string');
    }
    this.position += 6;
    return String.fromCharCode(parseInt(hex, 16));
  }

  private readNumber(): JsonNode {
    const match = /^-?[0-9]*(\.[0-9]*)?([eE][+-]?[0-9]*)?/.exec(this.text.slice(this.position));
    const text = match?.[0] ?? '';
    if (!NUMBER.test(text)) throw this.error(`Invalid number '${text}'`);
    this.position += text.length;
    return { kind: 'number', text, integral: INTEGER.test(text), value: Number(text) };
  }

  private readKeyword(word: string): boolean {
    if (!this.text.startsWith(word, this.position)) return false;
    const next = this.text[this.position + word.length];
    if (next !== undefined && /[A-Za-z0-9_]/.test(next)) return false;
    this.position += word.length;
    return true;
  }

  private consume(char: string): boolean {
    if (this.text[this.position] !== char) return false;
    this.position += 1;
    return true;
  }

  private error(message: string): JsonSyntaxError {
    const before = this.text.slice(0, this.position);
    const line = before.split('\n').length;
    const column = this.position - before.lastIndexOf('\n');
    return new JsonSyntaxError(message, line, column);
  }
}
