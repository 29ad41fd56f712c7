/** Returned by an answerer that does not answer this call (stubs whose rules do not match): the next one is asked. */
export const UNHANDLED: unique symbol = Symbol('asmx-emulator.unhandled');
