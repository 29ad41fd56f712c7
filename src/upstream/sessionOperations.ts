/**
 * The upstream's session operations the forwarding needs (CreateTicketforUser, LogOut): from the
 * service's model when its WSDL declares them, else as ASMX declares them in its namespace.
 */
import type { MemberModel, OperationModel, ServiceModel } from '../contract/model';

export interface SessionOperations {
  readonly createTicketforUser: OperationModel;
  readonly logOut: OperationModel;
}

export function sessionOperations(model: ServiceModel): SessionOperations {
  return {
    createTicketforUser:
      model.byName.get('CreateTicketforUser') ??
      declared(model, 'CreateTicketforUser', ['TrustedUserPwd', 'UserName']),
    logOut: model.byName.get('LogOut') ?? declared(model, 'LogOut', ['AuthenticationTicket']),
  };
}

function declared(model: ServiceModel, name: string, params: readonly string[]): OperationModel {
  const namespace = model.targetNamespace;
  const string = (member: string): MemberModel => ({
    name: member,
    namespace,
    type: { kind: 'primitive', name: 'string' },
    minOccurs: 0,
    maxOccurs: 1,
    nillable: false,
  });
  return {
    name,
    documentation: '',
    protocols: new Set(['soap11']),
    soapAction: `${namespace}${name}`,
    soap12Action: `${namespace}${name}`,
    requestElement: { namespace, name },
    responseElement: { namespace, name: `${name}Response` },
    params: params.map(string),
    result: { ...string(`${name}Result`), type: { kind: 'xmlNode' } },
    httpResultElement: undefined,
  };
}
