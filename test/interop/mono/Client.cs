// A real .NET client of the typed srv.asmx service: it drives the proxies that Mono's `wsdl` tool
// generates from the served WSDL, one proxy per ASMX protocol, each generated into its own
// namespace (Soap11, Soap12, HttpGet, HttpPost) with the same class name `Srv`.
//
//   mono client.exe SERVICE_URL
//
// Prints one JSON object per line: {"protocol":…,"step":…,"op":…,"sent":…,"result":…,"wire":…} when
// the call returned, or {… "error":…} when it threw; "wire" lists the HTTP answers of the call
// (status, Content-Type, Content-Length). Values are described with their .NET type names; numbers,
// dates and Guids are printed as exact strings (long with ToString(), double with "R" plus its bits,
// decimal with ToString(), which keeps the scale). test/interop.mono.test.ts asserts on the lines.
//
// The four Run* methods are deliberately plain: they call each operation the way an application
// would. Only the description of results (DocumentInfo, DocumentStatus, whose types differ between
// the four namespaces) uses reflection. The GetWebResponse overrides at the end (the generated
// classes are partial) record the answers and work around a Mono HTTP GET/POST bug (see Observe).
using System;
using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Web.Services.Protocols;
using System.Xml;

public static class Client
{
    const string User = "jsmith";
    const string Password = "Secret123!";
    const string TrustedPassword = "MyServerSecret";
    const string BadTicket = "00000000-0000-0000-0000-000000000000";
    const string Q1 = "/Finance/Reports/Q1.pdf";
    const string Q2 = "/Finance/Reports/Q2.pdf";
    const string Budget = "/Finance/Budget.xlsx";
    const string Reports = "/Finance/Reports";
    const string NewFolder = "/Finance/Minutes";
    // Markup-like but not "dangerous" for ASP.NET request validation (`<` is followed by a space).
    const string NewFolderDescription = "a < 1 & b > 2 'q' \"d\"";
    const string NonAsciiFolder = "/Finance/Cafe";
    const string NonAsciiDescription = "caf\u00e9 \u2013 \u20ac";
    const string UploadPath = "/Finance/Reports/upload.bin";
    // SOAP bodies are not request-validated, so their tags may hold markup.
    static readonly string[] SoapTags = { "alpha", null, "", "R&D \u2013 \u00fc <x/>" };
    // Over GET/POST: characters that need URL encoding, ASCII only (see NonAsciiDescription).
    static readonly string[] HttpTags = { "alpha", null, "", "a b+c&d=e%f;g" };

    // The bytes uploaded over SOAP and HTTP POST: every byte value once, 0..255.
    static byte[] AllBytes()
    {
        var b = new byte[256];
        for (int i = 0; i < b.Length; i++) b[i] = (byte)i;
        return b;
    }

    // Over HTTP GET each byte is a `content=N` pair of the query string, and ASP.NET refuses query
    // strings longer than maxQueryStringLength (2048 by default: HTTP 400), so GET sends 128 bytes:
    // 0..63 and 192..255.
    static byte[] QueryBytes()
    {
        var b = new byte[128];
        for (int i = 0; i < 64; i++) { b[i] = (byte)i; b[64 + i] = (byte)(192 + i); }
        return b;
    }

    // 2026-12-31T10:00:00Z (Utc) and 2026-12-31T10:00:00.1234567 (Unspecified).
    static readonly DateTime UtcDate = new DateTime(2026, 12, 31, 10, 0, 0, DateTimeKind.Utc);
    static readonly DateTime UnspecifiedDate = new DateTime(2026, 12, 31, 10, 0, 0, DateTimeKind.Unspecified).AddTicks(1234567);

    static string protocol;

    public static int Main(string[] args)
    {
        Thread.CurrentThread.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: mono client.exe SERVICE_URL");
            return 2;
        }
        string url = args[0];
        var meta = new Json().Field("protocol", "meta").Field("step", "meta")
            .Field("url", url).Field("runtime", RuntimeVersion()).Field("clr", Environment.Version.ToString())
            .Field("timeZone", TimeZoneInfo.Local.Id).Field("utcOffset", TimeZoneInfo.Local.BaseUtcOffset.ToString());
        Console.WriteLine(meta);

        Run("Soap11", () => { var p = new Soap11.Srv(); Default(p.Url); p.Url = url; RunSoap11(p); });
        Run("Soap12", () => { var p = new Soap12.Srv(); Default(p.Url); p.Url = url; RunSoap12(p); });
        Run("HttpGet", () => { var p = new HttpGet.Srv(); Default(p.Url); p.Url = url; RunHttpGet(p); });
        Run("HttpPost", () => { var p = new HttpPost.Srv(); Default(p.Url); p.Url = url; RunHttpPost(p); });
        protocol = "meta";
        Console.WriteLine(new Json().Field("protocol", "meta").Field("step", "done"));
        return 0;
    }

    static string RuntimeVersion()
    {
        var t = Type.GetType("Mono.Runtime");
        if (t == null) return ".NET " + Environment.Version;
        var m = t.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
        return m == null ? "Mono" : "Mono " + m.Invoke(null, null);
    }

    static void Run(string name, Action body)
    {
        protocol = name;
        try { body(); }
        catch (Exception e)
        {
            // A failure outside a step (a bug of this client): reported, and the next protocol runs.
            Console.WriteLine(new Json().Field("protocol", name).Field("step", "crash").Raw("error", DescribeException(e)));
        }
    }

    static void Default(string generatedUrl)
    {
        // The address the generated proxy took from the WSDL's <soap:address>/<http:address>.
        Console.WriteLine(new Json().Field("protocol", protocol).Field("step", "wsdlAddress").Field("result", generatedUrl));
    }

    // ---------------------------------------------------------------------------------------------
    // SOAP 1.1
    // ---------------------------------------------------------------------------------------------
    static void RunSoap11(Soap11.Srv p)
    {
        string t = Ticket(Step("login", "AuthenticateUser", null, () => p.AuthenticateUser(User, Password)));
        Step("isValidTicket", "isValidTicket", null, () => p.isValidTicket(t));
        string t2 = Ticket(Step("createTicket", "CreateTicketforUser", null, () => p.CreateTicketforUser(TrustedPassword, User)));
        Step("renewTicket", "RenewTicket", null, () => p.RenewTicket(User, Password, "en", t));
        Step("getFolderContents", "GetFolderContents", null, () => p.GetFolderContents(t, "/Finance"));
        Step("getFolderContentsMissing", "GetFolderContents", null, () => p.GetFolderContents(t, "/nope"));
        Step("createFolder", "CreateFolder", null, () => p.CreateFolder(t, NewFolder, NewFolderDescription));
        Step("createFolderNonAscii", "CreateFolder", null, () => p.CreateFolder(t, NonAsciiFolder, NonAsciiDescription));
        Step("deleteDocument", "DeleteDocument", null, () => p.DeleteDocument(t, Q2));
        byte[] bytes = AllBytes();
        Step("uploadDocument", "UploadDocument", Sent(bytes), () => p.UploadDocument(t, UploadPath, bytes));
        Step("searchDocuments", "SearchDocuments", null, () => p.SearchDocuments(t, "finance", 10, 1));
        Step("setDocumentTags", "SetDocumentTags", null, () => p.SetDocumentTags(t, Q1, SoapTags));
        Step("setExpirationUtc", "SetDocumentExpirationDate", Describe(UtcDate), () => p.SetDocumentExpirationDate(t, Q1, UtcDate));
        Step("setExpirationUnspecified", "SetDocumentExpirationDate", Describe(UnspecifiedDate), () => p.SetDocumentExpirationDate(t, Q1, UnspecifiedDate));
        Step("setDocumentStatus", "SetDocumentStatus", null, () => p.SetDocumentStatus(t, Q2, Soap11.DocumentStatus.Archived));
        var info = new Soap11.DocumentInfo {
            Id = 101, Name = "Q1 (rev. 2).pdf", Path = Q1, Size = 9007199254740993L,
            Modified = new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Utc).AddTicks(5000000), CheckedOut = true,
            Tags = new[] { "x", null, "" }, Status = Soap11.DocumentStatus.Archived, Description = null };
        Step("updateDocumentInfo", "UpdateDocumentInfo", Describe(info), () => p.UpdateDocumentInfo(t, info));
        Step("getDocumentVersionCount", "GetDocumentVersionCount", null, () => p.GetDocumentVersionCount(t, Budget));
        Step("isCheckedOutBudget", "IsCheckedOut", null, () => p.IsCheckedOut(t, Budget));
        Step("isCheckedOutQ1", "IsCheckedOut", null, () => p.IsCheckedOut(t, Q1));
        Step("getStorageUsed", "GetStorageUsed", null, () => p.GetStorageUsed(t));
        Step("getQuotaFraction", "GetQuotaFraction", null, () => p.GetQuotaFraction(t));
        Step("getStorageCost", "GetStorageCost", null, () => p.GetStorageCost(t));
        Step("getServerVersion", "GetServerVersion", null, () => p.GetServerVersion());
        Step("getServerTime", "GetServerTime", null, () => p.GetServerTime());
        Step("ping", "Ping", null, () => { p.Ping(); return Void.Value; });
        Step("getDocumentGuid", "GetDocumentGuid", null, () => p.GetDocumentGuid(t, Q1));
        Step("getDocumentNames", "GetDocumentNames", null, () => p.GetDocumentNames(t, Reports));
        Step("getDocumentNamesEmpty", "GetDocumentNames", null, () => p.GetDocumentNames(t, "/"));
        Step("getDocumentInfoQ1", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q1));
        Step("getDocumentInfoQ2", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q2));
        Step("getDocumentInfoBudget", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Budget));
        Step("getDocumentInfos", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, Reports));
        Step("getDocumentInfosEmpty", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, "/"));
        Step("faultBadTicket", "GetStorageUsed", null, () => p.GetStorageUsed(BadTicket));
        Step("faultNotFound", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, "/Finance/nope.pdf"));
        Step("logoutCreated", "LogOut", null, () => p.LogOut(t2));
        Step("logout", "LogOut", null, () => p.LogOut(t));
        Step("logoutAgain", "LogOut", null, () => p.LogOut(t));
        Step("afterLogout", "GetStorageUsed", null, () => p.GetStorageUsed(t));
    }

    // ---------------------------------------------------------------------------------------------
    // SOAP 1.2 (the same calls; the generated types live in namespace Soap12)
    // ---------------------------------------------------------------------------------------------
    static void RunSoap12(Soap12.Srv p)
    {
        string t = Ticket(Step("login", "AuthenticateUser", null, () => p.AuthenticateUser(User, Password)));
        Step("isValidTicket", "isValidTicket", null, () => p.isValidTicket(t));
        string t2 = Ticket(Step("createTicket", "CreateTicketforUser", null, () => p.CreateTicketforUser(TrustedPassword, User)));
        Step("renewTicket", "RenewTicket", null, () => p.RenewTicket(User, Password, "en", t));
        Step("getFolderContents", "GetFolderContents", null, () => p.GetFolderContents(t, "/Finance"));
        Step("getFolderContentsMissing", "GetFolderContents", null, () => p.GetFolderContents(t, "/nope"));
        Step("createFolder", "CreateFolder", null, () => p.CreateFolder(t, NewFolder, NewFolderDescription));
        Step("createFolderNonAscii", "CreateFolder", null, () => p.CreateFolder(t, NonAsciiFolder, NonAsciiDescription));
        Step("deleteDocument", "DeleteDocument", null, () => p.DeleteDocument(t, Q2));
        byte[] bytes = AllBytes();
        Step("uploadDocument", "UploadDocument", Sent(bytes), () => p.UploadDocument(t, UploadPath, bytes));
        Step("searchDocuments", "SearchDocuments", null, () => p.SearchDocuments(t, "finance", 10, 1));
        Step("setDocumentTags", "SetDocumentTags", null, () => p.SetDocumentTags(t, Q1, SoapTags));
        Step("setExpirationUtc", "SetDocumentExpirationDate", Describe(UtcDate), () => p.SetDocumentExpirationDate(t, Q1, UtcDate));
        Step("setExpirationUnspecified", "SetDocumentExpirationDate", Describe(UnspecifiedDate), () => p.SetDocumentExpirationDate(t, Q1, UnspecifiedDate));
        Step("setDocumentStatus", "SetDocumentStatus", null, () => p.SetDocumentStatus(t, Q2, Soap12.DocumentStatus.Archived));
        var info = new Soap12.DocumentInfo {
            Id = 101, Name = "Q1 (rev. 2).pdf", Path = Q1, Size = 9007199254740993L,
            Modified = new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Utc).AddTicks(5000000), CheckedOut = true,
            Tags = new[] { "x", null, "" }, Status = Soap12.DocumentStatus.Archived, Description = null };
        Step("updateDocumentInfo", "UpdateDocumentInfo", Describe(info), () => p.UpdateDocumentInfo(t, info));
        Step("getDocumentVersionCount", "GetDocumentVersionCount", null, () => p.GetDocumentVersionCount(t, Budget));
        Step("isCheckedOutBudget", "IsCheckedOut", null, () => p.IsCheckedOut(t, Budget));
        Step("isCheckedOutQ1", "IsCheckedOut", null, () => p.IsCheckedOut(t, Q1));
        Step("getStorageUsed", "GetStorageUsed", null, () => p.GetStorageUsed(t));
        Step("getQuotaFraction", "GetQuotaFraction", null, () => p.GetQuotaFraction(t));
        Step("getStorageCost", "GetStorageCost", null, () => p.GetStorageCost(t));
        Step("getServerVersion", "GetServerVersion", null, () => p.GetServerVersion());
        Step("getServerTime", "GetServerTime", null, () => p.GetServerTime());
        Step("ping", "Ping", null, () => { p.Ping(); return Void.Value; });
        Step("getDocumentGuid", "GetDocumentGuid", null, () => p.GetDocumentGuid(t, Q1));
        Step("getDocumentNames", "GetDocumentNames", null, () => p.GetDocumentNames(t, Reports));
        Step("getDocumentNamesEmpty", "GetDocumentNames", null, () => p.GetDocumentNames(t, "/"));
        Step("getDocumentInfoQ1", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q1));
        Step("getDocumentInfoQ2", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q2));
        Step("getDocumentInfoBudget", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Budget));
        Step("getDocumentInfos", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, Reports));
        Step("getDocumentInfosEmpty", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, "/"));
        Step("faultBadTicket", "GetStorageUsed", null, () => p.GetStorageUsed(BadTicket));
        Step("faultNotFound", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, "/Finance/nope.pdf"));
        Step("logoutCreated", "LogOut", null, () => p.LogOut(t2));
        Step("logout", "LogOut", null, () => p.LogOut(t));
        Step("logoutAgain", "LogOut", null, () => p.LogOut(t));
        Step("afterLogout", "GetStorageUsed", null, () => p.GetStorageUsed(t));
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP GET. The HTTP bindings type every parameter as a string (or string[]), so the client
    // writes ints, dates and the enum as text, and a byte[] as one decimal string per byte.
    // UpdateDocumentInfo is not in these bindings.
    // ---------------------------------------------------------------------------------------------
    static void RunHttpGet(HttpGet.Srv p)
    {
        string t = Ticket(Step("login", "AuthenticateUser", null, () => p.AuthenticateUser(User, Password)));
        Step("isValidTicket", "isValidTicket", null, () => p.isValidTicket(t));
        string t2 = Ticket(Step("createTicket", "CreateTicketforUser", null, () => p.CreateTicketforUser(TrustedPassword, User)));
        Step("renewTicket", "RenewTicket", null, () => p.RenewTicket(User, Password, "en", t));
        Step("getFolderContents", "GetFolderContents", null, () => p.GetFolderContents(t, "/Finance"));
        Step("getFolderContentsMissing", "GetFolderContents", null, () => p.GetFolderContents(t, "/nope"));
        Step("createFolder", "CreateFolder", null, () => p.CreateFolder(t, NewFolder, NewFolderDescription));
        Step("createFolderNonAscii", "CreateFolder", null, () => p.CreateFolder(t, NonAsciiFolder, NonAsciiDescription));
        Step("deleteDocument", "DeleteDocument", null, () => p.DeleteDocument(t, Q2));
        byte[] bytes = QueryBytes();
        Step("uploadDocument", "UploadDocument", Sent(bytes), () => p.UploadDocument(t, UploadPath, DecimalBytes(bytes)));
        Step("searchDocuments", "SearchDocuments", null, () => p.SearchDocuments(t, "finance", "10", "1"));
        Step("setDocumentTags", "SetDocumentTags", null, () => p.SetDocumentTags(t, Q1, HttpTags));
        Step("setExpirationUtc", "SetDocumentExpirationDate", Describe(UtcDate), () => p.SetDocumentExpirationDate(t, Q1, UtcDate.ToString("o")));
        Step("setExpirationUnspecified", "SetDocumentExpirationDate", Describe(UnspecifiedDate), () => p.SetDocumentExpirationDate(t, Q1, UnspecifiedDate.ToString("o")));
        Step("setDocumentStatus", "SetDocumentStatus", null, () => p.SetDocumentStatus(t, Q2, HttpGet.DocumentStatus.Archived.ToString()));
        Step("getDocumentVersionCount", "GetDocumentVersionCount", null, () => p.GetDocumentVersionCount(t, Budget));
        Step("isCheckedOutBudget", "IsCheckedOut", null, () => p.IsCheckedOut(t, Budget));
        Step("isCheckedOutQ1", "IsCheckedOut", null, () => p.IsCheckedOut(t, Q1));
        Step("getStorageUsed", "GetStorageUsed", null, () => p.GetStorageUsed(t));
        Step("getQuotaFraction", "GetQuotaFraction", null, () => p.GetQuotaFraction(t));
        Step("getStorageCost", "GetStorageCost", null, () => p.GetStorageCost(t));
        Step("getServerVersion", "GetServerVersion", null, () => p.GetServerVersion());
        Step("getServerTime", "GetServerTime", null, () => p.GetServerTime());
        Step("ping", "Ping", null, () => { p.Ping(); return Void.Value; });
        Step("getDocumentGuid", "GetDocumentGuid", null, () => p.GetDocumentGuid(t, Q1));
        Step("getDocumentNames", "GetDocumentNames", null, () => p.GetDocumentNames(t, Reports));
        Step("getDocumentNamesEmpty", "GetDocumentNames", null, () => p.GetDocumentNames(t, "/"));
        Step("getDocumentInfoQ1", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q1));
        Step("getDocumentInfoQ2", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q2));
        Step("getDocumentInfoBudget", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Budget));
        Step("getDocumentInfos", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, Reports));
        Step("getDocumentInfosEmpty", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, "/"));
        Step("faultBadTicket", "GetStorageUsed", null, () => p.GetStorageUsed(BadTicket));
        Step("faultNotFound", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, "/Finance/nope.pdf"));
        Step("logoutCreated", "LogOut", null, () => p.LogOut(t2));
        Step("logout", "LogOut", null, () => p.LogOut(t));
        Step("logoutAgain", "LogOut", null, () => p.LogOut(t));
        Step("afterLogout", "GetStorageUsed", null, () => p.GetStorageUsed(t));
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP POST (form-encoded body; otherwise the same as HTTP GET)
    // ---------------------------------------------------------------------------------------------
    static void RunHttpPost(HttpPost.Srv p)
    {
        string t = Ticket(Step("login", "AuthenticateUser", null, () => p.AuthenticateUser(User, Password)));
        Step("isValidTicket", "isValidTicket", null, () => p.isValidTicket(t));
        string t2 = Ticket(Step("createTicket", "CreateTicketforUser", null, () => p.CreateTicketforUser(TrustedPassword, User)));
        Step("renewTicket", "RenewTicket", null, () => p.RenewTicket(User, Password, "en", t));
        Step("getFolderContents", "GetFolderContents", null, () => p.GetFolderContents(t, "/Finance"));
        Step("getFolderContentsMissing", "GetFolderContents", null, () => p.GetFolderContents(t, "/nope"));
        Step("createFolder", "CreateFolder", null, () => p.CreateFolder(t, NewFolder, NewFolderDescription));
        Step("createFolderNonAscii", "CreateFolder", null, () => p.CreateFolder(t, NonAsciiFolder, NonAsciiDescription));
        Step("deleteDocument", "DeleteDocument", null, () => p.DeleteDocument(t, Q2));
        byte[] bytes = AllBytes();
        Step("uploadDocument", "UploadDocument", Sent(bytes), () => p.UploadDocument(t, UploadPath, DecimalBytes(bytes)));
        Step("searchDocuments", "SearchDocuments", null, () => p.SearchDocuments(t, "finance", "10", "1"));
        Step("setDocumentTags", "SetDocumentTags", null, () => p.SetDocumentTags(t, Q1, HttpTags));
        Step("setExpirationUtc", "SetDocumentExpirationDate", Describe(UtcDate), () => p.SetDocumentExpirationDate(t, Q1, UtcDate.ToString("o")));
        Step("setExpirationUnspecified", "SetDocumentExpirationDate", Describe(UnspecifiedDate), () => p.SetDocumentExpirationDate(t, Q1, UnspecifiedDate.ToString("o")));
        Step("setDocumentStatus", "SetDocumentStatus", null, () => p.SetDocumentStatus(t, Q2, HttpPost.DocumentStatus.Archived.ToString()));
        Step("getDocumentVersionCount", "GetDocumentVersionCount", null, () => p.GetDocumentVersionCount(t, Budget));
        Step("isCheckedOutBudget", "IsCheckedOut", null, () => p.IsCheckedOut(t, Budget));
        Step("isCheckedOutQ1", "IsCheckedOut", null, () => p.IsCheckedOut(t, Q1));
        Step("getStorageUsed", "GetStorageUsed", null, () => p.GetStorageUsed(t));
        Step("getQuotaFraction", "GetQuotaFraction", null, () => p.GetQuotaFraction(t));
        Step("getStorageCost", "GetStorageCost", null, () => p.GetStorageCost(t));
        Step("getServerVersion", "GetServerVersion", null, () => p.GetServerVersion());
        Step("getServerTime", "GetServerTime", null, () => p.GetServerTime());
        Step("ping", "Ping", null, () => { p.Ping(); return Void.Value; });
        Step("getDocumentGuid", "GetDocumentGuid", null, () => p.GetDocumentGuid(t, Q1));
        Step("getDocumentNames", "GetDocumentNames", null, () => p.GetDocumentNames(t, Reports));
        Step("getDocumentNamesEmpty", "GetDocumentNames", null, () => p.GetDocumentNames(t, "/"));
        Step("getDocumentInfoQ1", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q1));
        Step("getDocumentInfoQ2", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Q2));
        Step("getDocumentInfoBudget", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, Budget));
        Step("getDocumentInfos", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, Reports));
        Step("getDocumentInfosEmpty", "GetDocumentInfos", null, () => p.GetDocumentInfos(t, "/"));
        Step("faultBadTicket", "GetStorageUsed", null, () => p.GetStorageUsed(BadTicket));
        Step("faultNotFound", "GetDocumentInfo", null, () => p.GetDocumentInfo(t, "/Finance/nope.pdf"));
        Step("logoutCreated", "LogOut", null, () => p.LogOut(t2));
        Step("logout", "LogOut", null, () => p.LogOut(t));
        Step("logoutAgain", "LogOut", null, () => p.LogOut(t));
        Step("afterLogout", "GetStorageUsed", null, () => p.GetStorageUsed(t));
    }

    // ---------------------------------------------------------------------------------------------
    // Steps and their output
    // ---------------------------------------------------------------------------------------------
    sealed class Void { public static readonly Void Value = new Void(); }

    /// Runs one call, prints its line, and returns its result (null when it threw).
    static object Step(string step, string op, string sent, Func<object> call)
    {
        var line = new Json().Field("protocol", protocol).Field("step", step).Field("op", op);
        if (sent != null) line.Raw("sent", sent);
        object result = null;
        wire = new JsonArray();
        try
        {
            result = call();
            line.Raw("result", Describe(result));
        }
        catch (Exception e)
        {
            line.Raw("error", DescribeException(e));
        }
        line.Raw("wire", wire.ToString());
        Console.WriteLine(line);
        return result;
    }

    // The HTTP answers of the current step (status, Content-Type, Content-Length), recorded by the
    // GetWebResponse overrides at the end of this file.
    static JsonArray wire = new JsonArray();

    internal static WebResponse Observe(WebResponse response, bool releaseEmpty)
    {
        var http = response as HttpWebResponse;
        if (http == null) return response;
        bool empty = http.ContentLength == 0;
        wire.Add(new Json().Field("status", ((int)http.StatusCode).ToString(CultureInfo.InvariantCulture))
            .Field("contentType", http.Headers["Content-Type"])
            .Field("contentLength", http.Headers["Content-Length"])
            .Raw("released", releaseEmpty && empty ? "true" : "false").ToString());
        // Mono 6.8's HttpSimpleClientProtocol.Invoke only reads (and so closes) the response when its
        // Content-Length is not 0. A void method (Ping) over HttpGet/HttpPost answers 200 with
        // Content-Length: 0, so its connection is never released: after two such calls (the default
        // ServicePointManager connection limit) every later call of the process times out. Closing
        // the empty response here is the workaround a Mono client needs, against the real ASMX too.
        if (releaseEmpty && empty) http.Close();
        return response;
    }

    /// The `ticket` attribute of an AuthenticateUser/CreateTicketforUser answer.
    static string Ticket(object result)
    {
        var root = Root(result as XmlNode);
        if (root == null || root.Attributes["ticket"] == null)
            throw new InvalidOperationException("no ticket attribute in the answer: " + (result == null ? "null" : ((XmlNode)result).OuterXml));
        return root.Attributes["ticket"].Value;
    }

    /// The <root> element: the node itself (HTTP proxies, and SOAP proxies on .NET), or its
    /// first element child when a stack hands back the <OpResult> wrapper instead.
    static XmlNode Root(XmlNode n)
    {
        if (n == null) return null;
        if (n.NodeType == XmlNodeType.Element && n.LocalName == "root") return n;
        foreach (XmlNode c in n.ChildNodes) if (c.NodeType == XmlNodeType.Element) return c;
        return null;
    }

    static string[] DecimalBytes(byte[] bytes)
    {
        var s = new string[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) s[i] = bytes[i].ToString(CultureInfo.InvariantCulture);
        return s;
    }

    static string Sent(byte[] bytes)
    {
        var sb = new StringBuilder();
        using (var md5 = MD5.Create()) foreach (var b in md5.ComputeHash(bytes)) sb.Append(b.ToString("x2"));
        return new Json().Field("type", bytes.GetType().FullName).Field("size", bytes.Length.ToString(CultureInfo.InvariantCulture))
            .Field("md5", sb.ToString()).Field("base64", Convert.ToBase64String(bytes)).ToString();
    }

    static string Describe(object v)
    {
        var j = new Json();
        if (v == null) return j.Raw("type", "null").Raw("value", "null").ToString();
        if (v is Void) return j.Field("type", "System.Void").ToString();
        var type = v.GetType();
        j.Field("type", type.FullName);
        if (v is XmlNode)
        {
            var n = (XmlNode)v;
            j.Field("name", n.Name).Field("namespaceURI", n.NamespaceURI).Raw("attributes", Attributes(n));
            var root = Root(n);
            j.Field("rootPath", root == null ? null : (root == n ? "." : root.Name));
            var children = new JsonArray();
            foreach (XmlNode c in n.ChildNodes)
            {
                var child = new Json().Field("nodeType", c.NodeType.ToString()).Field("name", c.Name);
                if (c.NodeType == XmlNodeType.Element) child.Raw("attributes", Attributes(c));
                children.Add(child.Field("text", c.InnerText).ToString());
            }
            j.Raw("children", children.ToString());
            j.Field("outerXml", n.OuterXml);
            return j.ToString();
        }
        if (v is string) return j.Field("value", (string)v).ToString();
        if (v is bool) return j.Raw("value", (bool)v ? "true" : "false").ToString();
        if (v is double)
        {
            var d = (double)v;
            return j.Field("value", d.ToString("R", CultureInfo.InvariantCulture))
                .Field("bits", BitConverter.DoubleToInt64Bits(d).ToString("x16")).ToString();
        }
        if (v is DateTime)
        {
            var d = (DateTime)v;
            return j.Field("value", d.ToString("o", CultureInfo.InvariantCulture)).Field("kind", d.Kind.ToString()).ToString();
        }
        if (v is Enum) return j.Field("value", v.ToString()).Field("number", Convert.ToInt64(v).ToString(CultureInfo.InvariantCulture)).ToString();
        if (v is IFormattable) return j.Field("value", ((IFormattable)v).ToString(null, CultureInfo.InvariantCulture)).ToString();
        if (v is Array)
        {
            var items = new JsonArray();
            foreach (var item in (Array)v) items.Add(Describe(item));
            return j.Raw("items", items.ToString()).ToString();
        }
        // A generated complex type (DocumentInfo): its public properties in declaration order.
        var fields = new Json();
        foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            fields.Raw(prop.Name, Describe(prop.GetValue(v, null)));
        return j.Raw("fields", fields.ToString()).ToString();
    }

    // Attributes in document order, as [name, value] pairs (namespace declarations included).
    static string Attributes(XmlNode n)
    {
        var attrs = new JsonArray();
        if (n.Attributes != null)
            foreach (XmlAttribute a in n.Attributes) attrs.Add(new JsonArray().Add(Json.Quote(a.Name)).Add(Json.Quote(a.Value)).ToString());
        return attrs.ToString();
    }

    static string DescribeException(Exception e)
    {
        var j = new Json().Field("type", e.GetType().FullName).Field("message", e.Message);
        var soap = e as SoapException;
        if (soap != null)
        {
            j.Field("codeName", soap.Code == null ? null : soap.Code.Name)
             .Field("codeNamespace", soap.Code == null ? null : soap.Code.Namespace)
             .Field("subCode", soap.SubCode == null || soap.SubCode.Code == null ? null : soap.SubCode.Code.ToString())
             .Field("actor", soap.Actor)
             .Field("detail", soap.Detail == null ? null : soap.Detail.OuterXml);
        }
        var web = e as WebException;
        if (web != null)
        {
            j.Field("status", web.Status.ToString());
            var response = web.Response as HttpWebResponse;
            if (response != null)
            {
                j.Field("httpStatus", ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture))
                 .Field("statusDescription", response.StatusDescription)
                 .Field("contentType", response.ContentType);
                try
                {
                    using (var s = response.GetResponseStream())
                    using (var r = new System.IO.StreamReader(s, Encoding.UTF8))
                        j.Field("body", r.ReadToEnd());
                }
                catch (Exception readError)
                {
                    j.Field("bodyError", readError.GetType().FullName + ": " + readError.Message);
                }
            }
        }
        if (e.InnerException != null) j.Raw("inner", DescribeException(e.InnerException));
        return j.ToString();
    }

    // ---------------------------------------------------------------------------------------------
    // A minimal JSON writer (ASCII output: everything else is \u-escaped, so the console encoding
    // never matters).
    // ---------------------------------------------------------------------------------------------
    sealed class Json
    {
        readonly StringBuilder sb = new StringBuilder();
        public Json Field(string name, string value) { return Raw(name, value == null ? "null" : Quote(value)); }
        public Json Raw(string name, string json)
        {
            sb.Append(sb.Length == 0 ? "{" : ",").Append(Quote(name)).Append(':').Append(json);
            return this;
        }
        public override string ToString() { return sb.Length == 0 ? "{}" : sb.ToString() + "}"; }

        public static string Quote(string s)
        {
            var q = new StringBuilder("\"");
            foreach (char c in s)
            {
                if (c == '"') q.Append("\\\"");
                else if (c == '\\') q.Append("\\\\");
                else if (c < 0x20 || c > 0x7e) q.Append("\\u").Append(((int)c).ToString("x4"));
                else q.Append(c);
            }
            return q.Append('"').ToString();
        }
    }

    sealed class JsonArray
    {
        readonly ArrayList items = new ArrayList();
        public JsonArray Add(string json) { items.Add(json); return this; }
        public override string ToString() { return "[" + string.Join(",", (string[])items.ToArray(typeof(string))) + "]"; }
    }
}

// Response hooks (the generated proxy classes are partial): record every answer; release empty ones.
namespace Soap11
{
    public partial class Srv
    {
        protected override System.Net.WebResponse GetWebResponse(System.Net.WebRequest request)
        {
            return Client.Observe(base.GetWebResponse(request), false);
        }
    }
}

namespace Soap12
{
    public partial class Srv
    {
        protected override System.Net.WebResponse GetWebResponse(System.Net.WebRequest request)
        {
            return Client.Observe(base.GetWebResponse(request), false);
        }
    }
}

namespace HttpGet
{
    public partial class Srv
    {
        protected override System.Net.WebResponse GetWebResponse(System.Net.WebRequest request)
        {
            return Client.Observe(base.GetWebResponse(request), true);
        }
    }
}

namespace HttpPost
{
    public partial class Srv
    {
        protected override System.Net.WebResponse GetWebResponse(System.Net.WebRequest request)
        {
            return Client.Observe(base.GetWebResponse(request), true);
        }
    }
}
