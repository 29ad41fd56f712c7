/**
 * Forward mode of one service: its upstream client, the upstream tickets of the sessions, and the
 * forwarding answerer of each operation. Made once at start for every service with an upstream.
 */
import type { OperationModel, ServiceModel } from '../contract/model';
import type { ValueAnswerer } from '../services/answerer';
import { forwardAnswerer } from './forwardAnswerer';
import { createUpstreamClient } from './upstreamClient';
import { UpstreamSessions, type UpstreamSessionsOptions } from './upstreamSessions';

export interface ForwardingSettings {
  readonly url: string;
  readonly trustedPassword: string;
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
}

export interface Forwarding {
  readonly url: string;
  forward(operation: OperationModel): ValueAnswerer;
  /**
   * A session of `userKey` ended here (LogOut, expiry, admin end): the user's upstream ticket is
   * logged out upstream unless another live session uses it. In the background; never rejects.
   */
  sessionEnded(sessionTicket: string, userKey: string): Promise<void>;
}

export function createForwarding(
  model: ServiceModel,
  settings: ForwardingSettings,
  warn: (message: string) => void,
  /** Where the upstream tickets are kept, and how to tell a live session (upstreamSessions.ts). */
  options: UpstreamSessionsOptions = {},
): Forwarding {
  const client = createUpstreamClient(settings);
  const sessions = new UpstreamSessions(client, model, settings.trustedPassword, warn, options);
  return {
    url: settings.url,
    forward: (operation) => forwardAnswerer(operation, client, sessions),
    sessionEnded: (ticket, userKey) => sessions.sessionEnded(ticket, userKey),
  };
}
