/**
 * Forward mode of one service: its upstream client, the upstream tickets of the sessions, and the
 * forwarding answerer of each operation. Made once at start for every service with an upstream.
 */
import type { OperationModel, ServiceModel } from '../contract/model';
import type { ValueAnswerer } from '../services/answerer';
import { forwardAnswerer } from './forwardAnswerer';
import { createUpstreamClient } from './upstreamClient';
import { UpstreamSessions } from './upstreamSessions';

export interface ForwardingSettings {
  readonly url: string;
  readonly trustedPassword: string;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
}

export interface Forwarding {
  readonly url: string;
  forward(operation: OperationModel): ValueAnswerer;
  /** A session ended here (LogOut): its upstream ticket is logged out upstream. */
  sessionEnded(sessionTicket: string): void;
}

export function createForwarding(
  model: ServiceModel,
  settings: ForwardingSettings,
  warn: (message: string) => void,
): Forwarding {
  const client = createUpstreamClient(settings);
  const sessions = new UpstreamSessions(client, model, settings.trustedPassword, warn);
  return {
    url: settings.url,
    forward: (operation) => forwardAnswerer(operation, client, sessions),
    sessionEnded: (ticket) => sessions.sessionEnded(ticket),
  };
}
