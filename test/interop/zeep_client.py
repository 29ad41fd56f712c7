#!/usr/bin/python3
"""Drives srv.asmx with Python zeep (Debian python3-zeep) and prints one JSON line of results.

usage: /usr/bin/python3 test/interop/zeep_client.py <wsdl-url> <SrvSoap|SrvSoap12>

Scenario, all through the given SOAP binding of the WSDL:
  login            AuthenticateUser(jsmith, Secret123!)
  valid            isValidTicket(ticket)
  logout           LogOut(ticket)
  logoutAgain      LogOut(ticket) a second time                     -> [901]
  login2           AuthenticateUser again (ticket t2)
  logoutNoCookie   LogOut() with no parameter and no cookie         -> [901] (control)
  logoutCookie     LogOut() with no parameter, cookie ticket=t2     -> success
  validAfterCookie isValidTicket(t2), cookie cleared                -> [901]
  login3           AuthenticateUser again (ticket t3)
  logoutEmptyCookie LogOut(AuthenticationTicket=''), cookie ticket=t3 -> success
  validAfterEmpty  isValidTicket(t3), cookie cleared                -> [901]

Every step records the attributes and tag of the <root> element zeep handed back, plus the
HTTP request zeep actually sent (URL, Content-Type, SOAPAction, Cookie, body, envelope namespace)
and the response status and Content-Type. Exit status 0 when every call completed (the
assertions are made by the caller), 2 on an exception, 3 when zeep cannot be imported.
"""

import json
import sys
import traceback

try:
    import requests
    import zeep
    from lxml import etree
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport
except ImportError as exc:  # the jest test turns this into a loud failure
    sys.stderr.write(
        "zeep is not importable by %s (%s): install Debian's python3-zeep "
        "(node scripts/ensure-system-deps.mjs)\n" % (sys.executable, exc)
    )
    sys.exit(3)


def find_root(result):
    """The <root> element out of whatever zeep returned for an XmlNode (s:any) result."""
    if isinstance(result, etree._Element):
        return result
    # Older zeep versions wrap xsd:any content in an object or list (_value_1).
    candidates = getattr(result, "_value_1", result)
    if isinstance(candidates, (list, tuple)):
        for item in candidates:
            found = find_root(item)
            if found is not None:
                return found
    if isinstance(candidates, etree._Element):
        return candidates
    return None


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: zeep_client.py <wsdl-url> <SrvSoap|SrvSoap12>\n")
        return 64
    wsdl_url, binding = sys.argv[1], sys.argv[2]

    session = requests.Session()
    exchanges = []

    def record(response, *_args, **_kwargs):
        request = response.request
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        exchanges.append(
            {
                "method": request.method,
                "url": request.url,
                "contentType": request.headers.get("Content-Type"),
                "soapAction": request.headers.get("SOAPAction"),
                "cookie": request.headers.get("Cookie"),
                "body": body,
                "status": response.status_code,
                "responseContentType": response.headers.get("Content-Type"),
            }
        )

    session.hooks["response"].append(record)
    history = HistoryPlugin()
    client = zeep.Client(
        wsdl_url,
        transport=Transport(session=session, timeout=10, operation_timeout=10),
        plugins=[history],
    )
    service = client.bind("Srv", binding)

    def call(operation, **params):
        before = len(exchanges)
        result = getattr(service, operation)(**params)
        root = find_root(result)
        sent = history.last_sent["envelope"] if history.last_sent else None
        received = history.last_received["envelope"] if history.last_received else None
        return {
            "resultType": type(result).__name__,
            "tag": root.tag if root is not None else None,
            "attrs": dict(root.attrib) if root is not None else None,
            "requestEnvelope": etree.QName(sent).namespace if sent is not None else None,
            "responseEnvelope": etree.QName(received).namespace if received is not None else None,
            "http": exchanges[before:],
        }

    def ticket_of(step):
        ticket = (step["attrs"] or {}).get("ticket")
        if not ticket:
            raise RuntimeError("AuthenticateUser gave no ticket: %r" % (step,))
        return ticket

    steps = {}
    steps["login"] = call("AuthenticateUser", UID="jsmith", PWD="Secret123!")
    ticket = ticket_of(steps["login"])
    steps["valid"] = call("isValidTicket", AuthenticationTicket=ticket)
    steps["logout"] = call("LogOut", AuthenticationTicket=ticket)
    steps["logoutAgain"] = call("LogOut", AuthenticationTicket=ticket)

    steps["login2"] = call("AuthenticateUser", UID="jsmith", PWD="Secret123!")
    ticket2 = ticket_of(steps["login2"])
    steps["logoutNoCookie"] = call("LogOut")
    session.cookies.set("ticket", ticket2)
    steps["logoutCookie"] = call("LogOut")
    session.cookies.clear()
    steps["validAfterCookie"] = call("isValidTicket", AuthenticationTicket=ticket2)

    steps["login3"] = call("AuthenticateUser", UID="jsmith", PWD="Secret123!")
    ticket3 = ticket_of(steps["login3"])
    session.cookies.set("ticket", ticket3)
    steps["logoutEmptyCookie"] = call("LogOut", AuthenticationTicket="")
    session.cookies.clear()
    steps["validAfterEmpty"] = call("isValidTicket", AuthenticationTicket=ticket3)

    print(
        json.dumps(
            {
                "zeep": zeep.__version__,
                "python": sys.version.split()[0],
                "binding": binding,
                "tickets": [ticket, ticket2, ticket3],
                "steps": steps,
            }
        )
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - any failure must reach the jest test's output
        traceback.print_exc()
        sys.exit(2)
