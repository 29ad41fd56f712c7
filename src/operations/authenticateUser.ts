import { DomainErrors } from '../errors/catalogue';
import { UserDirectory } from '../users/userDirectory';
import { failure, param, success, userAttributes } from './shared';
import type { OperationHandler } from './types';

export const authenticateUser: OperationHandler = async (input, { users, store }) => {
  const user = await users.verify(param(input, 'UID'), param(input, 'PWD'));
  // A disabled account and a wrong password look the same to the caller.
  if (!user || user.disabled) return failure(DomainErrors.AUTHENTICATION_FAILED);
  const issued = await store.issue(UserDirectory.key(user.username));
  return success(['ticket', issued.ticket], ...userAttributes(user, issued.expiresAt));
};
