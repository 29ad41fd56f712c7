import type { IncomingMessage } from 'node:http';
import type { SessionClient } from './sessionRegistry';

/** The last client seen on each connection, with the user agent it was made of. */
const lastClient = new WeakMap<
  object,
  { readonly userAgent: string | undefined; readonly client: SessionClient }
>();

/**
 * Who made a request, as the sessions and the journal name it: its connection's address and its
 * user agent. The calls of a keep-alive connection share one object (its address never changes).
 */
export function sessionClient(req: IncomingMessage): SessionClient {
  const userAgent = req.headers['user-agent'];
  const socket = req.socket;
  const last = lastClient.get(socket);
  if (last !== undefined && last.userAgent === userAgent) return last.client;
  const client: SessionClient = { address: socket.remoteAddress ?? '', userAgent: userAgent ?? '' };
  lastClient.set(socket, { userAgent, client });
  return client;
}
