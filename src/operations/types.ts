import type { Clock } from '../clock';
import type { DomainError } from '../errors/catalogue';
import type { TicketStore } from '../tickets/TicketStore';
import type { UserDirectory } from '../users/userDirectory';
import type { RootAttributes } from '../xml/rootElement';

/** What a transport hands to an operation: decoded parameters, nothing of HTTP. */
export interface OperationInput {
  /** Parameter values by their WSDL names. Absent and empty mean the same (minOccurs="0"). */
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The request's `ticket` cookie, the fallback ASMX uses when the ticket parameter is empty. */
  readonly cookieTicket: string | undefined;
}

export type OperationOutcome =
  | {
      readonly ok: true;
      readonly attributes: RootAttributes;
      /** The session ended was the one of the `ticket` cookie: the transport clears the cookie. */
      readonly endedCookieSession?: boolean;
    }
  | { readonly ok: false; readonly error: DomainError };

export interface OperationContext {
  readonly store: TicketStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly trustedPassword: string;
  /** Told of every successful LogOut (not of expiry); must not block or throw. */
  readonly onLogout?: (event: LogoutEvent) => void;
}

export interface LogoutEvent {
  readonly ticket: string;
  readonly userKey: string;
}

export type OperationHandler = (
  input: OperationInput,
  context: OperationContext,
) => OperationOutcome | Promise<OperationOutcome>;
