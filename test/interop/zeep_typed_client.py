#!/usr/bin/python3
"""Drives the typed document API of srv.asmx with Python zeep and prints one JSON line of results.

usage: /usr/bin/python3 test/interop/zeep_typed_client.py <wsdl-url> <SrvSoap|SrvSoap12>

zeep (Debian python3-zeep) builds its client from the served WSDL, binds the given port of
service Srv, signs in with AuthenticateUser, calls every typed and XmlNode operation of the
document API, checks a typed operation's fault for a bad ticket, and logs out. For each step it
prints what zeep handed back, described with its Python type (describe() below: exact ints as
strings, float repr, Decimal str, datetime isoformat + tzinfo, bytes hex, zeep objects member by
member in order, lxml elements with tag, ordered attributes, text, children and nsmap), plus the
result element zeep parsed it from (to tell an absent element from an empty one, which zeep maps
to the same None) and the HTTP exchanges it made. The caller (test/interop.zeepTyped.test.ts)
asserts on it.

Offline WSDL loading: the WSDL's AbstractTypes schema derives StringArray from soapenc:Array, and
zeep then auto-imports http://schemas.xmlsoap.org/soap/encoding/ over the network. The tests must
not depend on the internet, so OfflineTransport answers that one URL with the parts of the SOAP 1.1
encoding schema zeep needs, refuses every other URL outside the server's origin, and records every
load. Exit status 0 when the scenario completed, 2 on an exception, 3 when zeep cannot be imported.
"""

import datetime
import decimal
import hashlib
import json
import sys
import traceback
import uuid
from urllib.parse import urlsplit

try:
    import isodate
    import requests
    import zeep
    from lxml import etree
    from zeep import xsd
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport
    from zeep.xsd.valueobjects import CompoundValue
except ImportError as exc:  # the jest test turns this into a loud failure
    sys.stderr.write(
        "zeep is not importable by %s (%s): install Debian's python3-zeep "
        "(node scripts/ensure-system-deps.mjs)\n" % (sys.executable, exc)
    )
    sys.exit(3)

TNS = "http://tempuri.org/"
SOAPENC_URL = "http://schemas.xmlsoap.org/soap/encoding/"
# The declarations of http://schemas.xmlsoap.org/soap/encoding/ that soapenc:Array needs.
SOAPENC_SCHEMA = b"""<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://schemas.xmlsoap.org/soap/encoding/"
           targetNamespace="http://schemas.xmlsoap.org/soap/encoding/">
  <xs:attribute name="arrayType" type="xs:string" />
  <xs:attribute name="offset" type="xs:string" />
  <xs:attributeGroup name="commonAttributes">
    <xs:attribute name="id" type="xs:ID" />
    <xs:attribute name="href" type="xs:anyURI" />
    <xs:anyAttribute namespace="##other" processContents="lax" />
  </xs:attributeGroup>
  <xs:complexType name="Array">
    <xs:sequence>
      <xs:any namespace="##any" minOccurs="0" maxOccurs="unbounded" processContents="lax" />
    </xs:sequence>
    <xs:attributeGroup ref="tns:commonAttributes" />
    <xs:attribute ref="tns:arrayType" />
    <xs:attribute ref="tns:offset" />
  </xs:complexType>
</xs:schema>
"""

BAD_TICKET = "00000000-0000-0000-0000-000000000000"
# Every byte value, then the fixture's worked example.
UPLOAD_ALL_BYTES = bytes(range(256))
UPLOAD_HELLO = b"Hello, world!"


class OfflineTransport(Transport):
    """A zeep Transport that never leaves the server's origin (see the module docstring)."""

    def __init__(self, origin, **kwargs):
        super().__init__(**kwargs)
        self.origin = origin
        self.loads = []

    def load(self, url):
        if url == SOAPENC_URL:
            self.loads.append({"url": url, "from": "offline"})
            return SOAPENC_SCHEMA
        split = urlsplit(url)
        if "%s://%s" % (split.scheme, split.netloc) != self.origin:
            raise RuntimeError("zeep wanted to load %r, outside %s" % (url, self.origin))
        self.loads.append({"url": url, "from": "server"})
        return super().load(url)


def describe(value):
    """A JSON description of a Python value, exact and with its type."""
    if value is None:
        return {"type": "NoneType"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        # A string: JSON numbers beyond 2^53 are not exact in JavaScript.
        return {"type": "int", "value": str(value)}
    if isinstance(value, float):
        return {"type": "float", "repr": repr(value), "isOneThird": value == 1.0 / 3.0}
    if isinstance(value, decimal.Decimal):
        return {"type": "Decimal", "str": str(value), "exponent": value.as_tuple().exponent}
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        return {
            "type": "datetime",
            "iso": value.isoformat(),
            "microsecond": value.microsecond,
            "tzinfo": type(value.tzinfo).__name__ if value.tzinfo is not None else None,
            "tzname": value.tzname(),
            "utcoffsetSeconds": offset.total_seconds() if offset is not None else None,
        }
    if isinstance(value, uuid.UUID):
        return {"type": "UUID", "value": str(value)}
    if isinstance(value, str):
        return {"type": "str", "value": value}
    if isinstance(value, bytes):
        return {"type": "bytes", "hex": value.hex()}
    if isinstance(value, etree._Element):
        return describe_element(value)
    if isinstance(value, (list, tuple)):
        return {"type": "list", "items": [describe(item) for item in value]}
    if isinstance(value, CompoundValue):
        return {
            "type": "zeep:" + type(value).__name__,
            "members": [[key, describe(value[key])] for key in value],
        }
    if isinstance(value, dict):
        return {"type": "dict", "members": [[key, describe(item)] for key, item in value.items()]}
    return {"type": type(value).__module__ + "." + type(value).__name__, "repr": repr(value)}


def local_name(tag):
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def describe_element(element, with_nsmap=True):
    """An lxml element: tag (Clark notation), attributes in document order, text, children."""
    described = {
        "type": "_Element",
        "tag": element.tag,
        "attrs": [[name, value] for name, value in element.attrib.items()],
        "text": element.text,
        "children": [describe_element(child, False) for child in element],
    }
    if with_nsmap:
        described["nsmap"] = {prefix or "": uri for prefix, uri in element.nsmap.items()}
    return described


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: zeep_typed_client.py <wsdl-url> <SrvSoap|SrvSoap12>\n")
        return 64
    wsdl_url, binding = sys.argv[1], sys.argv[2]
    split = urlsplit(wsdl_url)
    origin = "%s://%s" % (split.scheme, split.netloc)

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
                "body": body,
                "status": response.status_code,
                "responseContentType": response.headers.get("Content-Type"),
                "responseBody": response.content.decode("utf-8", "replace"),
            }
        )

    session.hooks["response"].append(record)
    history = HistoryPlugin()
    transport = OfflineTransport(origin, session=session, timeout=10, operation_timeout=10)
    client = zeep.Client(wsdl_url, transport=transport, plugins=[history])
    wsdl_loads = list(transport.loads)
    exchanges.clear()  # the WSDL GET; only the operations' exchanges are reported per step
    service = client.bind("Srv", binding)
    DocumentInfo = client.get_type("{%s}DocumentInfo" % TNS)

    def result_element(operation):
        """The <OperationResult> element of the last answer, as zeep received it (None if absent)."""
        received = history.last_received["envelope"] if history.last_received else None
        if received is None:
            return None
        found = received.find(".//{%s}%sResult" % (TNS, operation))
        return describe_element(found, False) if found is not None else None

    def common(operation, before):
        sent = history.last_sent["envelope"] if history.last_sent else None
        received = history.last_received["envelope"] if history.last_received else None
        return {
            "operation": operation,
            "requestEnvelope": etree.QName(sent).namespace if sent is not None else None,
            "responseEnvelope": etree.QName(received).namespace if received is not None else None,
            "http": exchanges[before:],
        }

    def call(operation, **params):
        before = len(exchanges)
        value = getattr(service, operation)(**params)
        step = common(operation, before)
        step["value"] = describe(value)
        step["resultElement"] = result_element(operation)
        return step, value

    def fault(operation, **params):
        before = len(exchanges)
        try:
            value = getattr(service, operation)(**params)
        except zeep.exceptions.Fault as error:
            step = common(operation, before)
            step["fault"] = {
                "message": error.message,
                "code": error.code,
                "actor": error.actor,
                "subcodes": [str(code) for code in error.subcodes] if error.subcodes else error.subcodes,
                "detail": describe_element(error.detail, False) if error.detail is not None else None,
            }
            return step
        raise RuntimeError("%s(%r) gave no Fault but %r" % (operation, params, value))

    steps = {}

    steps["login"], root = call("AuthenticateUser", UID="jsmith", PWD="Secret123!")
    ticket = root.get("ticket") if isinstance(root, etree._Element) else None
    if not ticket:
        raise RuntimeError("AuthenticateUser gave no ticket: %r" % (steps["login"],))
    t = {"authenticationTicket": ticket}

    # Typed reads.
    for name, path in (
        ("infoQ1", "/Finance/Reports/Q1.pdf"),
        ("infoQ2", "/Finance/Reports/Q2.pdf"),
        ("infoBudget", "/Finance/Budget.xlsx"),
    ):
        steps[name], _ = call("GetDocumentInfo", path=path, **t)
    steps["infosReports"], _ = call("GetDocumentInfos", path="/Finance/Reports", **t)
    steps["infosFinance"], _ = call("GetDocumentInfos", path="/Finance", **t)
    steps["infosRoot"], _ = call("GetDocumentInfos", path="/", **t)
    steps["namesReports"], _ = call("GetDocumentNames", path="/Finance/Reports", **t)
    steps["namesRoot"], _ = call("GetDocumentNames", path="/", **t)
    steps["storageUsed"], _ = call("GetStorageUsed", **t)
    steps["quotaFraction"], _ = call("GetQuotaFraction", **t)
    steps["storageCost"], _ = call("GetStorageCost", **t)
    steps["serverVersion"], _ = call("GetServerVersion")
    steps["serverTime"], _ = call("GetServerTime")
    steps["ping"], _ = call("Ping")
    steps["guidQ1"], _ = call("GetDocumentGuid", path="/Finance/Reports/Q1.pdf", **t)
    steps["guidBudget"], _ = call("GetDocumentGuid", path="/Finance/Budget.xlsx", **t)
    steps["checkedOutQ1"], _ = call("IsCheckedOut", path="/Finance/Reports/Q1.pdf", **t)
    steps["checkedOutBudget"], _ = call("IsCheckedOut", path="/Finance/Budget.xlsx", **t)
    steps["versionsQ1"], _ = call("GetDocumentVersionCount", path="/Finance/Reports/Q1.pdf", **t)
    steps["versionsBudget"], _ = call("GetDocumentVersionCount", path="/Finance/Budget.xlsx", **t)

    # XmlNode operations.
    steps["folderRoot"], _ = call("GetFolderContents", path="/", **t)
    steps["folderFinance"], _ = call("GetFolderContents", path="/Finance", **t)
    steps["folderMissing"], _ = call("GetFolderContents", path="/finance", **t)
    steps["createFolder"], _ = call("CreateFolder", path="/Finance/Archive", description="Old <b>&</b> “quotes”", **t)
    steps["createFolderNoDescription"], _ = call("CreateFolder", path="/Finance/Archive", **t)
    steps["createFolderExists"], _ = call("CreateFolder", path="/Finance/Reports", description="", **t)
    steps["deleteQ2"], _ = call("DeleteDocument", path="/Finance/Reports/Q2.pdf", **t)
    steps["deleteBudget"], _ = call("DeleteDocument", path="/Finance/Budget.xlsx", **t)

    uploads = {}
    for name, path, content in (
        ("uploadAllBytes", "/Finance/Reports/bytes.bin", UPLOAD_ALL_BYTES),
        ("uploadHello", "/Finance/Reports/Q1.pdf", UPLOAD_HELLO),
        ("uploadEmpty", "/Finance/empty.txt", b""),
    ):
        steps[name], root = call("UploadDocument", path=path, content=content, **t)
        uploads[name] = {
            "sentSize": len(content),
            "sentMd5": hashlib.md5(content).hexdigest(),
            "size": root.get("size"),
            "md5": root.get("md5"),
        }
    steps["uploadNoContent"], _ = call("UploadDocument", path="/Finance/none.txt", **t)

    steps["searchFinance"], _ = call("SearchDocuments", query="finance", pageSize=10, pageNumber=1, **t)
    steps["searchPage2"], _ = call("SearchDocuments", query="", pageSize=2, pageNumber=2, **t)
    steps["searchBadPaging"], _ = call("SearchDocuments", query="q", pageSize=0, pageNumber=1, **t)

    steps["tagsMixed"], _ = call(
        "SetDocumentTags", path="/Finance/Budget.xlsx", tags={"string": ["a", xsd.Nil, "", "b & <c>"]}, **t
    )
    # zeep leaves a plain None item out of the request entirely (only xsd.Nil gives xsi:nil).
    steps["tagsNoneItem"], _ = call("SetDocumentTags", path="/Finance/Budget.xlsx", tags={"string": ["a", None]}, **t)
    steps["tagsEmpty"], _ = call("SetDocumentTags", path="/Finance/Budget.xlsx", tags={"string": []}, **t)
    steps["tagsAbsent"], _ = call("SetDocumentTags", path="/Finance/Budget.xlsx", **t)

    utc = datetime.timezone.utc
    steps["expiresUtc"], _ = call(
        "SetDocumentExpirationDate",
        path="/Finance/Reports/Q1.pdf",
        expirationDate=datetime.datetime(2026, 12, 31, 10, 0, 0, 250000, tzinfo=isodate.UTC),
        **t,
    )
    steps["expiresNaive"], _ = call(
        "SetDocumentExpirationDate",
        path="/Finance/Reports/Q1.pdf",
        expirationDate=datetime.datetime(2026, 12, 31, 10, 0, 0, 250000),
        **t,
    )
    steps["expiresOffset"], _ = call(
        "SetDocumentExpirationDate",
        path="/Finance/Reports/Q1.pdf",
        expirationDate=datetime.datetime(2026, 12, 31, 10, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        **t,
    )
    steps["expiresTimezoneUtc"], _ = call(
        "SetDocumentExpirationDate",
        path="/Finance/Reports/Q1.pdf",
        expirationDate=datetime.datetime(2026, 12, 31, 10, 0, 0, tzinfo=utc),
        **t,
    )

    steps["statusPublished"], _ = call("SetDocumentStatus", path="/Finance/Budget.xlsx", status="Published", **t)
    steps["statusMissingDoc"], _ = call("SetDocumentStatus", path="/Finance/nope.pdf", status="Draft", **t)

    full_info = DocumentInfo(
        Id=101,
        Name="Q1 – <new> & \"x\" 'y'",
        Path="/Finance/Reports/Q1.pdf",
        Size=9007199254740993,
        Modified=datetime.datetime(2026, 1, 15, 9, 30, 0, 250000, tzinfo=isodate.UTC),
        CheckedOut=True,
        Tags={"string": ["x", xsd.Nil, ""]},
        Status="Archived",
        Description="",
    )
    steps["updateFull"], _ = call("UpdateDocumentInfo", info=full_info, **t)
    sparse_info = DocumentInfo(
        Id=0,
        Path="/Finance/Budget.xlsx",
        Size=0,
        Modified=datetime.datetime(2026, 4, 15, 17, 5, 30),
        CheckedOut=False,
        Status="Draft",
    )
    steps["updateSparse"], _ = call("UpdateDocumentInfo", info=sparse_info, **t)
    steps["updateNoInfo"], _ = call("UpdateDocumentInfo", **t)

    # Typed operations fault; XmlNode operations answer <root success="false">.
    steps["faultBadTicket"] = fault("GetStorageUsed", authenticationTicket=BAD_TICKET)
    steps["faultBadTicketInfo"] = fault("GetDocumentInfo", authenticationTicket=BAD_TICKET, path="/Finance/Budget.xlsx")
    steps["faultNotFound"] = fault("GetDocumentInfo", path="/Finance/nope.pdf", **t)
    steps["faultFolderNotFound"] = fault("GetDocumentNames", path="/Finance/", **t)
    steps["xmlNodeBadTicket"], _ = call("GetFolderContents", authenticationTicket=BAD_TICKET, path="/")

    steps["logout"], _ = call("LogOut", AuthenticationTicket=ticket)
    steps["validAfterLogout"], _ = call("isValidTicket", AuthenticationTicket=ticket)
    steps["faultAfterLogout"] = fault("IsCheckedOut", path="/Finance/Budget.xlsx", **t)

    print(
        json.dumps(
            {
                "zeep": zeep.__version__,
                "python": sys.version.split()[0],
                "binding": binding,
                "wsdlLoads": wsdl_loads,
                "ticket": ticket,
                "uploads": uploads,
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
