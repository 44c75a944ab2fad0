/**
 * The error kinds Spark users know. Each carries a message that names the key, field or argument at fault and
 * what was expected, so callers can show it as it is.
 */
export class SparkException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SparkException';
  }
}

export class IllegalArgumentException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IllegalArgumentException';
  }
}

export class NoSuchElementException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSuchElementException';
  }
}

/** Spark's `require(cond, msg)`: an IllegalArgumentException prefixed the way Scala's Predef does it. */
export function requireArg(condition: boolean, message: string): asserts condition {
  if (!condition) throw new IllegalArgumentException(`requirement failed: ${message}`);
}
