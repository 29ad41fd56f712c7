import { DomainErrors } from '../errors/catalogue';
import { UserDirectory, secretsEqual } from '../users/userDirectory';
import { failure, param, success } from './shared';
import type { OperationHandler } from './types';

/** Pass-through sign-in: a trusted application vouches for the user with the shared trusted password. */
export const createTicketforUser: OperationHandler = async (input, { users, store, trustedPassword }) => {
  const trusted = secretsEqual(param(input, 'TrustedUserPwd'), trustedPassword);
  const user = users.find(param(input, 'UserName'));
  if (!trusted || !user || user.disabled) return failure(DomainErrors.AUTHENTICATION_FAILED);
  if (user.systemAdministrator) return failure(DomainErrors.TICKET_NOT_ALLOWED);
  const issued = await store.issue(UserDirectory.key(user.username));
  return success(['ticket', issued.ticket]);
};
