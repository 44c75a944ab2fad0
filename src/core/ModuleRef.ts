import { WIRE, type WireConvertible } from './closure.js';

/** A module the shipped functions can use: `rdd.map((x) => lib.f(x), { lib: sc.module('./lib.js') })`. */
export class ModuleRef implements WireConvertible {
  constructor(readonly specifier: string) {}

  [WIRE](): unknown {
    return { __sparkModule: this.specifier };
  }
}
