/**
 * `v` as V8's small integer when it is one. A number that arrives as a double (read from a Float64Array, or the
 * difference of two large times) stays a double even when whole, and an object field holding doubles is boxed: one
 * extra allocation per field per object, which matters for records kept by the ten thousand (the UI's tasks).
 * The one value it changes is -0, which becomes 0 (JSON and the event log write both as 0).
 */
export const smallInt = (v: number): number => (v === (v | 0) ? v | 0 : v);
