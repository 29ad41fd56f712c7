import { authenticateUser } from './authenticateUser';
import { createTicketforUser } from './createTicketforUser';
import { isValidTicket } from './isValidTicket';
import { logOut } from './logOut';
import { renewTicket } from './renewTicket';
import type { OperationHandler } from './types';

/** The handler of each operation, by its WSDL name. The server refuses to start if the WSDL names one not here. */
export const operationHandlers: Readonly<Record<string, OperationHandler>> = {
  LogOut: logOut,
  AuthenticateUser: authenticateUser,
  CreateTicketforUser: createTicketforUser,
  isValidTicket,
  RenewTicket: renewTicket,
};
