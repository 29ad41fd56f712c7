/**
 * The answerer after the stubs: an operation the emulator does not answer itself is forwarded to
 * the upstream ASMX service. It builds its own upstream request from the typed arguments (it knows
 * nothing of the client's HTTP request) with one change: the emulator's ticket becomes the
 * upstream ticket of the same user (upstreamSessions.ts), renewed once when the upstream answers
 * [901]. The upstream's value or fault is the answer, written by the client's transport.
 */
import type { OperationModel } from '../contract/model';
import type { Arguments, XmlNodeValue } from '../codec/values';
import type { ValueAnswerer } from '../services/answerer';
import { SoapFault, type HandlerContext } from '../services/handlerApi';
import { ticketParameter } from '../services/invoke';
import type { UpstreamAnswer } from './soapResponse';
import type { UpstreamClient } from './upstreamClient';
import { UpstreamSignInRefused, type UpstreamSessions } from './upstreamSessions';

const INVALID_TICKET = '[901]';

export function forwardAnswerer(
  operation: OperationModel,
  client: UpstreamClient,
  sessions: UpstreamSessions,
): ValueAnswerer {
  const ticketParam = ticketParameter(operation)?.name;
  const send = (args: Arguments, upstreamTicket: string | undefined) =>
    client.call(
      operation,
      ticketParam && upstreamTicket !== undefined ? { ...args, [ticketParam]: upstreamTicket } : args,
    );
  return {
    source: 'forward',
    async call(args: Arguments, context: HandlerContext): Promise<unknown> {
      const session =
        ticketParam && context.ticket && context.user
          ? { ticket: context.ticket, user: context.user.username }
          : undefined;
      let answer: UpstreamAnswer;
      try {
        let upstreamTicket = session && (await sessions.ticketFor(session.ticket, session.user));
        answer = await send(args, upstreamTicket);
        if (session && upstreamTicket && saysInvalidTicket(answer)) {
          upstreamTicket = await sessions.renew(session.ticket, session.user, upstreamTicket);
          answer = await send(args, upstreamTicket);
        }
      } catch (error) {
        // The upstream would not sign the user in: the call fails as the guard would fail it.
        if (error instanceof UpstreamSignInRefused) return refuse(operation, context, error.message);
        throw error;
      }
      if (answer.kind === 'fault') throw new SoapFault(answer.message, answer.faultCode);
      return answer.value;
    },
  };
}

function saysInvalidTicket(answer: UpstreamAnswer): boolean {
  if (answer.kind === 'fault') return answer.message.startsWith(INVALID_TICKET);
  const root = answer.value as XmlNodeValue | null;
  if (!root || typeof root !== 'object' || !Array.isArray(root.attributes)) return false;
  const error = root.attributes.find(([name]) => name === 'error')?.[1];
  return error?.startsWith(INVALID_TICKET) ?? false;
}

function refuse(operation: OperationModel, context: HandlerContext, message: string): unknown {
  if (operation.result?.type.kind === 'xmlNode') return context.rootError(message);
  return context.fault(message);
}
