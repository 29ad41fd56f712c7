/** What one answered request was, for logs, metrics and the admin layer; never a ticket or a password. */
export interface RequestSummary {
  readonly service: string;
  readonly transport: string;
  readonly operation: string;
  /** `success`, a domain code (E901 …) or a protocol code (P_…). */
  readonly outcome: string;
  readonly status: number;
  readonly durationMs: number;
}
