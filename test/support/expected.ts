/** What the fixture user jsmith looks like in answers, shared by the interop tests. */
export const INVALID = { success: 'false', error: '[901] Session expired or Invalid ticket' };
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The ManualClock of startTestServer stands at 2026-11-21T12:00:00Z: 30 days later. */
export const EXPIRE_ON = '2026-12-21T12:00:00Z';
export const USER = {
  userid: '42',
  username: 'jsmith',
  firstName: 'John',
  lastName: 'Smith',
  fullname: 'John Smith',
  email: 'jsmith@example.com',
  expireOn: EXPIRE_ON,
  isAuthenticated: 'True',
};
