/** Whether shadow mode leaves an operation out: named by SHADOW_SKIP exactly, or by a `Prefix*` pattern. */
export function isShadowSkipped(operation: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? operation.startsWith(pattern.slice(0, -1)) : operation === pattern,
  );
}
