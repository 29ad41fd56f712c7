/**
 * The string, internalized: equal internalized strings are one object, so `===` answers at once
 * and V8 need not look the string up when it is used as a property key. For strings made once.
 */
export function internalize(text: string): string {
  // A property key is internalized; a computed key never sets the prototype, even `__proto__`.
  return Object.keys({ [text]: 0 })[0] ?? text;
}
