// Self-contained test runner for AseGpu.Interop (no NUnit), built by BindingTests.csproj as net472 (run on
// Mono: `mono BindingTests.exe`, the binding's net472 build) and net10.0 (`dotnet BindingTests.dll`, the
// binding's netstandard2.0 build); tests/run.sh puts runtimes/<rid>/native/ beside AseGpu.Interop.dll.
//
//   BindingTests.exe <emulator ready JSON file>      (password in ASEGPU_TEST_PASSWORD)
//   BindingTests.exe --child-load-failure <expect>   (internal: run in a child process by a test)
//
// Last line: "N passed, M failed"; exit code 1 on any failure.
using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using AseGpu;

static class BindingTests
{
    static IDictionary<string, object> Ready;
    static string Password;
    static int Passed, Failed;
    static readonly List<string> Failures = new List<string>();

    sealed class Collect : IProgress<AseProgressEvent>
    {
        public readonly ConcurrentQueue<AseProgressEvent> Events = new ConcurrentQueue<AseProgressEvent>();
        public readonly ConcurrentQueue<int> Threads = new ConcurrentQueue<int>();
        public Action<AseProgressEvent> OnEvent;
        public void Report(AseProgressEvent e)
        {
            Events.Enqueue(e);
            Threads.Enqueue(Thread.CurrentThread.ManagedThreadId);
            if (OnEvent != null) OnEvent(e);
        }
    }

    sealed class Throwing : IProgress<AseProgressEvent>
    {
        public int Calls;
        public void Report(AseProgressEvent e) { Interlocked.Increment(ref Calls); throw new InvalidOperationException("handler failure on purpose"); }
    }

    // ---------------------------------------------------------------- assertions
    static void True(bool cond, string what) { if (!cond) throw new Exception("expected: " + what); }
    static void Eq<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new Exception(what + ": expected <" + expected + "> got <" + actual + ">");
    }
    static void EqI(string expected, string actual, string what)
    {
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            throw new Exception(what + ": expected <" + expected + "> got <" + actual + "> (case-insensitive)");
    }
    static AseGpuException Throws(Action a, AseStatus status, string what)
    {
        try { a(); }
        catch (AseGpuException e)
        {
            if (e.Status != status) throw new Exception(what + ": expected status " + status + " got " + e.Status + " (" + e.Message + ")");
            return e;
        }
        catch (Exception e) { throw new Exception(what + ": expected AseGpuException(" + status + ") got " + e.GetType().Name + ": " + e.Message); }
        throw new Exception(what + ": expected AseGpuException(" + status + "), nothing was thrown");
    }
    static T ThrowsAny<T>(Action a, string what) where T : Exception
    {
        try { a(); }
        catch (T e) { return e; }
        catch (Exception e) { throw new Exception(what + ": expected " + typeof(T).Name + " got " + e.GetType().Name + ": " + e.Message); }
        throw new Exception(what + ": expected " + typeof(T).Name + ", nothing was thrown");
    }
    static Exception Unwrap(Exception e)
    {
        AggregateException ae = e as AggregateException;
        return ae != null && ae.InnerExceptions.Count == 1 ? Unwrap(ae.InnerExceptions[0]) : e;
    }

    static void Test(string name, Action body)
    {
        Stopwatch sw = Stopwatch.StartNew();
        Exception failure = null;
        Thread t = new Thread(() => { try { body(); } catch (Exception e) { failure = e; } });
        t.IsBackground = true;
        t.Start();
        if (!t.Join(TimeSpan.FromSeconds(90))) failure = new TimeoutException("test did not finish within 90 s");
        if (failure == null) { Passed++; Console.WriteLine("ok   " + name + " (" + sw.ElapsedMilliseconds + " ms)"); }
        else
        {
            Failed++;
            Failures.Add(name);
            Console.WriteLine("FAIL " + name + " (" + sw.ElapsedMilliseconds + " ms): " + Unwrap(failure).GetType().Name + ": " + Unwrap(failure).Message);
        }
    }

    // ---------------------------------------------------------------- options
    static string S(string key) { return AseJson.Str(Ready, key); }

    static AseConnectOptions Options()
    {
        Hashtable map = new Hashtable();
        IDictionary<string, object> hm = (IDictionary<string, object>)Ready["host_map"];
        foreach (KeyValuePair<string, object> kv in hm) map[kv.Key] = kv.Value;
        return new AseConnectOptions
        {
            ArmEndpoint = S("arm_endpoint"),
            Username = S("user"),
            TenantId = S("tenant_id"),
            CaCertFile = S("ca_cert"),
            HostMap = map,
            RequestTimeoutSeconds = 30,
            MaxRetries = 2,
            BaseDelayMs = 50,
            MaxDelayMs = 200,
            GpuCount = 2,
            GpuModel = "T4",
            KubernetesConfigured = false,
            DeviceRelease = "2309",
        };
    }

    static SecureString Secure(string s)
    {
        SecureString ss = new SecureString();
        foreach (char c in s) ss.AppendChar(c);
        ss.MakeReadOnly();
        return ss;
    }

    static string NewName(string prefix) { return prefix + "-" + Guid.NewGuid().ToString("N").Substring(0, 8); }

    static string Snake(string camel)
    {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.Length; i++)
        {
            if (i > 0 && char.IsUpper(camel[i])) b.Append('_');
            b.Append(char.ToUpperInvariant(camel[i]));
        }
        return b.ToString();
    }

    // ---------------------------------------------------------------- operation helpers
    static string TemplatesDir()
    {
        string d = Environment.GetEnvironmentVariable("ASEGPU_TEMPLATES");
        if (string.IsNullOrEmpty(d)) d = "/work/shared/fixtures/ase-templates/VmTemplates";
        return d;
    }

    /// <summary>The real CreateVM.json + CreateVM.parameters.json with the overrides an admin makes.</summary>
    static AseDeploymentRequest VmDeployment(string templates, string rg, string image, string vmName, string nicName)
    {
        return new AseDeploymentRequest
        {
            ResourceGroupName = rg,
            TemplateFile = Path.Combine(templates, "CreateVM", "CreateVM.json"),
            TemplateParameterFile = Path.Combine(templates, "CreateVM", "CreateVM.parameters.json"),
            Parameters = new Hashtable
            {
                { "vmSize", "Standard_NC4as_T4_v3" }, { "vnetRG", "ASERG" }, { "imageName", image },
                { "vmName", vmName }, { "nicName", nicName }, { "Password", "VmAdmin-Passw0rd!" },
            },
        };
    }

    /// <summary>A sparse fixed-size VHD of <paramref name="mib"/> MiB with an MBR signature (Generation 1).</summary>
    static string MakeFixedVhd(int mib)
    {
        string path = Path.Combine(Path.GetTempPath(), "cs-img-" + Guid.NewGuid().ToString("N") + ".vhd");
        long size = (long)mib << 20;
        byte[] f = new byte[512];
        Action<int, byte[]> put = (o, b) => Array.Copy(b, 0, f, o, b.Length);
        Func<long, int, byte[]> be = (v, n) => { byte[] b = new byte[n]; for (int i = 0; i < n; i++) b[n - 1 - i] = (byte)(v >> (8 * i)); return b; };
        put(0, Encoding.ASCII.GetBytes("conectix"));
        put(8, be(2, 4));
        put(12, be(0x00010000, 4));
        put(16, be(-1, 8));
        put(24, be((long)(DateTime.UtcNow - new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds, 4));
        put(28, Encoding.ASCII.GetBytes("cstt"));
        put(32, be(0x00010000, 4));
        put(36, Encoding.ASCII.GetBytes("Wi2k"));
        put(40, be(size, 8));
        put(48, be(size, 8));
        put(56, be(size / 512 / 16 / 63, 2)); f[58] = 16; f[59] = 63;
        put(60, be(2, 4));
        put(68, Guid.NewGuid().ToByteArray());
        uint sum = 0;
        for (int i = 0; i < 512; i++) if (i < 64 || i >= 68) sum += f[i];
        put(64, be(~sum, 4));
        using (FileStream fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            fs.Position = 510; fs.WriteByte(0x55); fs.WriteByte(0xAA);
            fs.SetLength(size);
            fs.Position = size;
            fs.Write(f, 0, 512);
        }
        return path;
    }

    /// <summary>PATCH the emulator's control API (/_sim/device) over HTTPS, trusting the emulator's CA only.</summary>
    static void SimDevice(string patchJson)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2 ca = LoadPem(S("ca_cert"));
        System.Net.HttpWebRequest req = (System.Net.HttpWebRequest)System.Net.WebRequest.Create(S("control_endpoint") + "device");
        req.Method = "PATCH";
        req.ContentType = "application/json";
        // The control API's credential: the ready line's control_token.
        req.Headers["Authorization"] = "Bearer " + S("control_token");
        req.ServerCertificateValidationCallback = (sender, cert, chain, errors) =>
        {
            if (errors == System.Net.Security.SslPolicyErrors.None) return true;
            if (cert == null) return false;
            using (System.Security.Cryptography.X509Certificates.X509Chain c = new System.Security.Cryptography.X509Certificates.X509Chain())
            {
                c.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                c.ChainPolicy.VerificationFlags = System.Security.Cryptography.X509Certificates.X509VerificationFlags.AllowUnknownCertificateAuthority;
                c.ChainPolicy.ExtraStore.Add(ca);
                c.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(cert));
                if (c.ChainElements.Count < 2) return false;
                return c.ChainElements[c.ChainElements.Count - 1].Certificate.Thumbprint == ca.Thumbprint;
            }
        };
        byte[] body = Encoding.UTF8.GetBytes(patchJson);
        req.ContentLength = body.Length;
        try
        {
            using (Stream s = req.GetRequestStream()) s.Write(body, 0, body.Length);
            using (System.Net.HttpWebResponse resp = (System.Net.HttpWebResponse)req.GetResponse())
            using (StreamReader r = new StreamReader(resp.GetResponseStream()))
            {
                string text = r.ReadToEnd();
                if ((int)resp.StatusCode != 200) throw new Exception("PATCH /_sim/device: " + resp.StatusCode + " " + text);
            }
        }
        catch (System.Net.WebException e)
        {
            // Mono's managed TLS cannot decode the emulator's ECDSA certificate ("unknown OID
            // 1.2.840.10045.2.1"): fall back to curl, still trusting only the emulator's CA.
            if (e.Status != System.Net.WebExceptionStatus.TrustFailure && e.Status != System.Net.WebExceptionStatus.SecureChannelFailure) throw;
            // The control token goes to curl in a config file beside the emulator's own token file (its
            // work directory is its owner's only), not on the command line.
            string curlConfig = Path.Combine(Path.GetDirectoryName(S("control_token_file")), "control.curl");
            File.WriteAllText(curlConfig, "header = \"Authorization: Bearer " + S("control_token") + "\"\n");
            ProcessStartInfo psi = new ProcessStartInfo("curl", "-sS --fail --cacert \"" + S("ca_cert") + "\" -K \"" + curlConfig + "\" -X PATCH -H \"Content-Type: application/json\" --data-binary @- \"" + S("control_endpoint") + "device\"")
            {
                UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using (Process p = Process.Start(psi))
            {
                p.StandardInput.Write(patchJson);
                p.StandardInput.Close();
                string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
                p.WaitForExit(30000);
                if (p.ExitCode != 0) throw new Exception("PATCH /_sim/device with curl (after " + e.Status + "): exit " + p.ExitCode + ": " + output);
                Console.WriteLine("     (PATCH through curl: " + e.Status + " from HttpWebRequest on this runtime)");
            }
        }
    }

    static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadPem(string path)
    {
        string pem = File.ReadAllText(path);
        int a = pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        int b = pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
        string b64 = pem.Substring(a + 27, b - a - 27).Replace("\r", "").Replace("\n", "").Trim();
        return new System.Security.Cryptography.X509Certificates.X509Certificate2(Convert.FromBase64String(b64));
    }

    // ---------------------------------------------------------------- main
    static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "--child-load-failure") return ChildLoadFailure(args[1]);
        if (args.Length >= 1 && args[0] == "--child-first-call") return ChildFirstCall(args[1]);
        if (args.Length < 1) { Console.Error.WriteLine("usage: BindingTests.exe <ready.json>"); return 2; }
        string readyText = File.ReadAllText(args[0]).Trim();
        Ready = (IDictionary<string, object>)AseJson.Parse(readyText);
        Password = Environment.GetEnvironmentVariable("ASEGPU_TEST_PASSWORD");
        if (string.IsNullOrEmpty(Password)) { Console.Error.WriteLine("ASEGPU_TEST_PASSWORD is not set"); return 2; }
        Console.WriteLine("runtime: " + AseNative.FrameworkDescription + ", rid " + AseNative.RuntimeIdentifier);
        Stopwatch total = Stopwatch.StartNew();

        AseSession session = null;
        AseSession slow = null;
        if (args.Length >= 2 && File.Exists(args[1]))
        {
            IDictionary<string, object> fast = Ready;
            Ready = (IDictionary<string, object>)AseJson.Parse(File.ReadAllText(args[1]).Trim());
            try { slow = AseSession.Connect(Options(), Password); }
            catch (Exception e) { Console.WriteLine("slow emulator: " + e.Message); }
            Ready = fast;
        }

        Test("load: native library from runtimes/<rid>/native, ABI version matches", () =>
        {
            AseNative.EnsureLoaded();
            Eq(AseNative.BindingAbiVersion, AseNative.AbiVersion, "abi version");
            True(!string.IsNullOrEmpty(AseNative.Version), "a version string");
            string expected = Path.Combine("runtimes", AseNative.RuntimeIdentifier, "native");
            if (Environment.GetEnvironmentVariable("ASEGPU_NATIVE_LIBRARY") == null)
                True(AseNative.LibraryPath.Contains(expected), "library path under " + expected + ": " + AseNative.LibraryPath);
            Console.WriteLine("     library " + AseNative.LibraryPath + ", version " + AseNative.Version);
        });

        Test("status enum mirrors the native status names", () =>
        {
            foreach (AseStatus s in Enum.GetValues(typeof(AseStatus)))
                Eq(Snake(s.ToString()), AseNative.StatusName((uint)s), "name of " + (uint)s);
            Eq("UNKNOWN", AseNative.StatusName(9999), "unknown status");
        });

        Test("json helper round-trips escapes and non-ASCII", () =>
        {
            string j = AseJson.Serialize(new Dictionary<string, object> { { "a", "x\"y\\z\n\u00fc\u2713" }, { "n", 3 }, { "l", new object[] { true, null, 1.5 } } });
            IDictionary<string, object> d = (IDictionary<string, object>)AseJson.Parse(j);
            Eq("x\"y\\z\n\u00fc\u2713", (string)d["a"], "string");
            Eq(3L, (long)d["n"], "number");
            Eq(3, ((IList<object>)d["l"]).Count, "list");
        });

        Test("connect: CA file trust + host map, SecureString password, progress", () =>
        {
            Collect progress = new Collect();
            session = AseSession.Connect(Options().ToJson(), Secure(Password), progress, CancellationToken.None);
            AseSessionInfo info = session.Info();
            EqI(S("subscription_id"), info.SubscriptionId, "subscription id");
            EqI(S("tenant_id"), info.TenantId, "tenant id");
            True(info.Account != null && info.Account.StartsWith("EdgeArmUser", StringComparison.OrdinalIgnoreCase), "account EdgeArmUser...: " + info.Account);
            True(!string.IsNullOrEmpty(info.SubscriptionName), "a subscription name");
            True(info.Json.Contains("\"armEndpoint\""), "info json");
            Console.WriteLine("     " + info.Account + " / " + info.SubscriptionName + " / tls " + info.TlsVerification + "; " + progress.Events.Count + " connect events");
        });
        if (session == null)
        {
            Console.WriteLine("cannot go on without a session");
            Console.WriteLine(Passed + " passed, " + (Failed + 1) + " failed");
            return 1;
        }

        Test("connect: AseConnectOptions + string password, deviceIp instead of hostMap", () =>
        {
            AseConnectOptions o = Options();
            o.HostMap = null;
            o.DeviceIp = "127.0.0.1";
            using (AseSession s2 = AseSession.Connect(o, Password))
                EqI(S("subscription_id"), s2.Info().SubscriptionId, "subscription id");
        });

        Test("resource group: create / list / get / delete with progress events", () =>
        {
            string name = NewName("cs-rg");
            Hashtable tags = new Hashtable();
            tags["env"] = "test";
            tags["owner"] = "\u00fcber \u2713";
            AseResourceGroup g = session.NewResourceGroup(name, "DBELocal", tags);
            Eq(name, g.Name, "name");
            EqI("dbelocal", g.Location, "location");
            Eq("Succeeded", g.ProvisioningState, "provisioning state");
            True(g.Id.EndsWith("/resourceGroups/" + name, StringComparison.OrdinalIgnoreCase), "id " + g.Id);
            Eq("test", g.Tags["env"], "tag env");
            Eq("\u00fcber \u2713", g.Tags["owner"], "non-ASCII tag round trip");
            True(session.ListResourceGroups().Any(x => x.Name == name), "listed");
            AseResourceGroup got = session.GetResourceGroup(name.ToUpperInvariant());
            Eq(name, got.Name, "get is case-insensitive");
            Collect progress = new Collect();
            int me = Thread.CurrentThread.ManagedThreadId;
            session.RemoveResourceGroup(name, progress, CancellationToken.None);
            True(progress.Events.Count > 0, "progress events received");
            True(progress.Events.All(e => e.Operation != null && e.Stage != null && e.Json.StartsWith("{")), "events are parsed");
            True(progress.Threads.All(id => id == me), "callbacks arrive on the calling thread");
            Console.WriteLine("     " + progress.Events.Count + " delete events: " + string.Join(" | ", progress.Events.Select(e => e.Stage).ToArray()));
            Throws(() => session.GetResourceGroup(name), AseStatus.NotFound, "gone after delete");
        });

        Test("resource group: delete with raw JSON progress (Action<string>)", () =>
        {
            string name = NewName("cs-raw");
            session.NewResourceGroup(name, null, null);
            List<string> events = new List<string>();
            session.RemoveResourceGroup(name, (Action<string>)(j => events.Add(j)), CancellationToken.None);
            True(events.Count > 0 && events.All(j => j.StartsWith("{") && j.Contains("\"operation\"")), "raw JSON events");
        });

        Test("error: wrong password -> Authentication with the AD FS code", () =>
        {
            AseGpuException e = Throws(() => AseSession.Connect(Options(), "not-the-password-123"), AseStatus.Authentication, "wrong password");
            Eq("AUTHENTICATION", e.StatusName, "status name");
            True(!string.IsNullOrEmpty(e.ArmCode), "an AD FS error code (" + e.ArmCode + ")");
            True(!e.Message.Contains("not-the-password-123") && !(e.ErrorJson ?? "").Contains("not-the-password-123"), "password not in the error");
            True(e.ErrorJson != null && e.ErrorJson.Contains("\"statusName\""), "error JSON");
            Console.WriteLine("     " + e.ArmCode + ": " + e.Message);
        });

        Test("error: missing group -> NotFound, ResourceGroupNotFound, 404, request id", () =>
        {
            AseGpuException e = Throws(() => session.GetResourceGroup("no-such-group-0123"), AseStatus.NotFound, "missing group");
            Eq("ResourceGroupNotFound", e.ArmCode, "ARM code");
            Eq(404, e.HttpStatus, "HTTP status");
            True(!string.IsNullOrEmpty(e.RequestId), "x-ms-request-id");
            Eq("no-such-group-0123", e.Target, "target");
            Eq("resourceGroupGet", e.Operation, "operation");
            IDictionary<string, object> j = (IDictionary<string, object>)AseJson.Parse(e.ErrorJson);
            Eq("NOT_FOUND", (string)j["statusName"], "JSON statusName");
            Eq(e.RequestId, (string)j["requestId"], "JSON requestId");
            Console.WriteLine("     request " + e.RequestId + ", correlation " + e.CorrelationId);
        });

        Test("error: untrusted CA -> Tls", () =>
        {
            AseConnectOptions o = Options();
            o.CaCertFile = null;
            o.CaOnly = false;
            AseGpuException e = Throws(() => AseSession.Connect(o, Password), AseStatus.Tls, "no CA given");
            Console.WriteLine("     " + e.Message);
        });

        Test("error: certificate thumbprint pin works, wrong pin -> Tls", () =>
        {
            AseConnectOptions o = Options();
            o.CaCertFile = null;
            o.CertificateThumbprint = S("thumbprint");
            using (AseSession s2 = AseSession.Connect(o, Password)) True(s2.Info() != null, "pinned session");
            o.CertificateThumbprint = new string('0', 64);
            Throws(() => AseSession.Connect(o, Password), AseStatus.Tls, "wrong pin");
        });

        Test("error: null and invalid arguments", () =>
        {
            string opts = Options().ToJson();
            Throws(() => AseSession.Connect((string)null, Password, null, CancellationToken.None), AseStatus.NullArgument, "null options");
            Throws(() => AseSession.Connect(opts, (string)null, null, CancellationToken.None), AseStatus.NullArgument, "null password");
            Throws(() => AseSession.Connect(opts, (SecureString)null, null, CancellationToken.None), AseStatus.NullArgument, "null SecureString");
            Throws(() => AseSession.Connect("{", Password, null, CancellationToken.None), AseStatus.InvalidJson, "bad JSON");
            Throws(() => AseSession.Connect("{\"armEndpoint\":\"https://x/\",\"bogus\":1}", Password, null, CancellationToken.None), AseStatus.InvalidArgument, "unknown field");
            Throws(() => session.GetResourceGroup(null), AseStatus.NullArgument, "null name");
            Throws(() => session.NewResourceGroup(NewName("cs-loc"), "westus", null), AseStatus.InvalidArgument, "location other than DBELocal");
            Throws(() => session.NewResourceGroupJson("{\"name\":", "x", CancellationToken.None), AseStatus.InvalidJson, "bad request JSON");
            ThrowsAny<ArgumentNullException>(() => session.NewResourceGroup(null, null, null), "managed null check");
            // Raw layer: NULL session and invalid UTF-8.
            AseStringHandle json; AseErrorHandle err;
            uint st = NativeMethods.asegpu_session_info(IntPtr.Zero, out json, out err);
            using (json) using (err)
            {
                Eq((uint)AseStatus.NullArgument, st, "NULL session");
                Eq((uint)AseStatus.NullArgument, NativeMethods.asegpu_error_status(err), "error object status");
            }
            Throws(() => AseSession.Connect(opts, Encoding.UTF8.GetString(new byte[] { 0x61 }) + "\uD800", null, CancellationToken.None), AseStatus.Authentication, "lone surrogate is encoded as U+FFFD (still a wrong password)");
            st = NativeMethods.asegpu_resource_group_list(IntPtr.Zero, IntPtr.Zero, out json, out err);
            using (json) using (err) Eq((uint)AseStatus.NullArgument, st, "NULL session on list");
            // out_error may be NULL: the last-error convenience still reports it.
            Eq((uint)AseStatus.NullArgument, NativeMethods.asegpu_last_error_status(), "last error status");
            using (AseStringHandle m = NativeMethods.asegpu_last_error_message()) True(m.Read() != null && m.Read().Length > 0, "last error message");
        });

        Test("error: invalid UTF-8 through the raw layer -> InvalidUtf8", () =>
        {
            AseStringHandle json; AseErrorHandle err;
            bool added = false;
            AseSessionHandle h = SessionHandle(session);
            h.DangerousAddRef(ref added);
            try
            {
                uint st = NativeMethods.asegpu_resource_group_get(h.DangerousGetHandle(), new byte[] { 0xff, 0xfe, 0x41, 0 }, IntPtr.Zero, out json, out err);
                using (json) using (err) Eq((uint)AseStatus.InvalidUtf8, st, "invalid UTF-8 name");
            }
            finally { if (added) h.DangerousRelease(); }
        });

        Test("panic inside the library comes back as Panic (modes 0 and 1)", () =>
        {
            Throws(() => AseNative.DebugPanic(0), AseStatus.Panic, "panic at the boundary");
            Throws(() => AseNative.DebugPanic(1), AseStatus.Panic, "panic in a runtime task");
            True(session.ListResourceGroups() != null, "library still works");
        });

        Test("cancellation: already-cancelled token -> Cancelled", () =>
        {
            CancellationTokenSource cts = new CancellationTokenSource();
            cts.Cancel();
            Throws(() => session.ListResourceGroups(cts.Token), AseStatus.Cancelled, "pre-cancelled list");
            Throws(() => session.GetResourceGroup("whatever", cts.Token), AseStatus.Cancelled, "pre-cancelled get");
        });

        Test("cancellation: CancellationToken cancels a running delete promptly", () =>
        {
            string name = NewName("cs-cancel");
            session.NewResourceGroup(name, null, null);
            CancellationTokenSource cts = new CancellationTokenSource();
            ManualResetEventSlim first = new ManualResetEventSlim(false);
            Collect progress = new Collect { OnEvent = e => first.Set() };
            Stopwatch sw = new Stopwatch();
            Thread canceller = new Thread(() => { first.Wait(20000); sw.Start(); cts.Cancel(); });
            canceller.Start();
            AseGpuException ex = Throws(() => session.RemoveResourceGroup(name, progress, cts.Token), AseStatus.Cancelled, "cancelled delete");
            sw.Stop();
            canceller.Join();
            True(sw.ElapsedMilliseconds < 2000, "returned within 2 s of Cancel (" + sw.ElapsedMilliseconds + " ms)");
            Console.WriteLine("     cancelled " + sw.ElapsedMilliseconds + " ms after Cancel(): " + ex.Message);
            // The deletion goes on on the device; wait until it is gone so the emulator stays tidy. When
            // Cancel() won the race against sending the DELETE, the group was never deleted (it is not
            // "Deleting" a second later on this fast emulator): delete it now instead of waiting 10 s.
            for (int i = 0; i < 100; i++)
            {
                AseResourceGroup g;
                try { g = session.GetResourceGroup(name); }
                catch (AseGpuException e) { if (e.Status == AseStatus.NotFound) return; throw; }
                if (i == 10 && !string.Equals(g.ProvisioningState, "Deleting", StringComparison.OrdinalIgnoreCase))
                {
                    Console.WriteLine("     (Cancel() came before the device accepted the DELETE; group is " + g.ProvisioningState + ": removing it now)");
                    session.RemoveResourceGroup(name);
                    return;
                }
                Thread.Sleep(100);
            }
        });

        Test("threads: 64 threads share one session", () =>
        {
            string shared = NewName("cs-shared");
            session.NewResourceGroup(shared, null, null);
            int ok = 0;
            ConcurrentQueue<Exception> errors = new ConcurrentQueue<Exception>();
            Thread[] ts = new Thread[64];
            for (int t = 0; t < ts.Length; t++)
            {
                int k = t;
                ts[t] = new Thread(() =>
                {
                    try
                    {
                        for (int i = 0; i < 4; i++)
                        {
                            Eq(shared, session.GetResourceGroup(shared).Name, "get");
                            True(session.ListResourceGroups().Length > 0, "list");
                        }
                        if (k % 4 == 0)
                        {
                            string own = NewName("cs-t" + k);
                            session.NewResourceGroup(own, null, null);
                            Collect p = new Collect();
                            session.RemoveResourceGroup(own, p, CancellationToken.None);
                            True(p.Events.Count > 0, "progress per thread");
                        }
                        Interlocked.Increment(ref ok);
                    }
                    catch (Exception e) { errors.Enqueue(e); }
                });
                ts[t].Start();
            }
            foreach (Thread t in ts) t.Join();
            session.RemoveResourceGroup(shared);
            Exception first;
            if (errors.TryPeek(out first)) throw new Exception(errors.Count + " thread(s) failed, first: " + first.Message);
            Eq(64, ok, "threads done");
        });

        Test("tasks: Task-returning variants (and WhenAll)", () =>
        {
            string name = NewName("cs-task");
            AseResourceGroup g = session.NewResourceGroupAsync(name, "DBELocal", null, CancellationToken.None).Result;
            Eq(name, g.Name, "created");
            Task<AseResourceGroup>[] gets = Enumerable.Range(0, 8).Select(i => session.GetResourceGroupAsync(name, CancellationToken.None)).ToArray();
            Task.WaitAll(gets);
            True(gets.All(t => t.Result.Name == name), "8 gets");
            True(session.ListResourceGroupsAsync(CancellationToken.None).Result.Any(x => x.Name == name), "listed");
            Collect progress = new Collect();
            session.RemoveResourceGroupAsync(name, progress, CancellationToken.None).Wait();
            True(progress.Events.Count > 0, "progress from a Task");
            Exception e = null;
            try { session.GetResourceGroupAsync(name, CancellationToken.None).Wait(); } catch (Exception x) { e = Unwrap(x); }
            True(e is AseGpuException && ((AseGpuException)e).Status == AseStatus.NotFound, "faulted task carries AseGpuException");
            using (AseSession s2 = AseSession.ConnectAsync(Options().ToJson(), Secure(Password), null, CancellationToken.None).Result)
                True(s2.Info() != null, "ConnectAsync");
        });

        Test("tasks: cancelling a Task-returning delete", () =>
        {
            string name = NewName("cs-tcancel");
            session.NewResourceGroup(name, null, null);
            CancellationTokenSource cts = new CancellationTokenSource();
            Collect progress = new Collect { OnEvent = ev => cts.CancelAfter(50) };
            Exception e = null;
            try { session.RemoveResourceGroupAsync(name, progress, cts.Token).Wait(); } catch (Exception x) { e = Unwrap(x); }
            True(e is AseGpuException && ((AseGpuException)e).Status == AseStatus.Cancelled, "cancelled: " + (e == null ? "no exception" : e.Message));
        });

        Test("callbacks that throw do not crash (typed and raw)", () =>
        {
            long before = AseNative.ProgressHandlerErrors;
            string name = NewName("cs-throw");
            session.NewResourceGroup(name, null, null);
            Throwing t = new Throwing();
            session.RemoveResourceGroup(name, t, CancellationToken.None);
            True(t.Calls > 0, "handler called");
            string name2 = NewName("cs-throw2");
            session.NewResourceGroup(name2, null, null);
            session.RemoveResourceGroup(name2, (Action<string>)(j => { throw new ApplicationException("raw failure"); }), CancellationToken.None);
            True(AseNative.ProgressHandlerErrors >= before + t.Calls + 1, "handler errors recorded: " + (AseNative.ProgressHandlerErrors - before));
            True(AseNative.LastProgressHandlerError != null, "last handler error kept");
            Throws(() => session.GetResourceGroup(name), AseStatus.NotFound, "delete completed anyway");
        });

        Test("AseOperation: progress queue drained on the caller's thread, Cancel, errors", () =>
        {
            string name = NewName("cs-op");
            AseOperation create = session.StartNewResourceGroup(name, "DBELocal", null);
            Eq(name, ((AseResourceGroup)create.GetResult()).Name, "created through an operation");
            AseOperation op = session.StartRemoveResourceGroup(name);
            int drained = 0;
            while (!op.Wait(100)) { AseProgressEvent ev; while (op.TryDequeueProgress(out ev)) drained++; }
            drained += op.DrainProgress().Length;
            op.GetResult();
            True(drained > 0, "events drained (" + drained + ")");
            AseOperation missing = session.StartGetResourceGroup("no-such-group-op");
            Throws(() => missing.GetResult(), AseStatus.NotFound, "GetResult rethrows the AseGpuException");
            string name2 = NewName("cs-opc");
            session.NewResourceGroup(name2, null, null);
            AseOperation del = session.StartRemoveResourceGroup(name2);
            while (del.DrainProgress().Length == 0 && !del.Wait(50)) { }
            del.Cancel();
            Throws(() => del.GetResult(), AseStatus.Cancelled, "operation cancelled");
            AseOperation conn = AseSession.StartConnect(Options().ToJson(), Secure(Password));
            using (AseSession s3 = (AseSession)conn.GetResult()) True(s3.Info() != null, "StartConnect");
            True(session.StartListResourceGroups().GetResult() is AseResourceGroup[], "StartListResourceGroups");
        });

        Test("dispose: calls after Dispose throw ObjectDisposedException; Dispose during calls is safe", () =>
        {
            AseSession s2 = AseSession.Connect(Options(), Password);
            int stop = 0, ok = 0, disposed = 0;
            ConcurrentQueue<Exception> bad = new ConcurrentQueue<Exception>();
            Thread[] ts = Enumerable.Range(0, 4).Select(i => new Thread(() =>
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    try { s2.ListResourceGroups(); Interlocked.Increment(ref ok); }
                    catch (ObjectDisposedException) { Interlocked.Increment(ref disposed); break; }
                    catch (Exception e) { bad.Enqueue(e); break; }
                }
            })).ToArray();
            foreach (Thread t in ts) t.Start();
            Thread.Sleep(300);
            s2.Dispose();
            Thread.Sleep(100);
            Volatile.Write(ref stop, 1);
            foreach (Thread t in ts) t.Join();
            Exception first;
            if (bad.TryPeek(out first)) throw new Exception("unexpected: " + first.GetType().Name + ": " + first.Message);
            True(ok > 0, "calls succeeded before Dispose");
            True(s2.IsDisposed, "disposed");
            ThrowsAny<ObjectDisposedException>(() => s2.Info(), "Info after Dispose");
        });

        Test("loader: missing library -> AseGpuLoadException naming the path and architecture (child process)", () =>
        {
            string missing = Path.Combine(Path.GetTempPath(), "asegpu-missing-" + Guid.NewGuid().ToString("N"), "libasegpu.so");
            RunChild(missing, missing);
            // A file that is not a library (wrong format) must name the path too.
            string bogus = Path.Combine(Path.GetTempPath(), "asegpu-bogus-" + Guid.NewGuid().ToString("N") + ".so");
            File.WriteAllText(bogus, "not a shared library");
            try { RunChild(bogus, bogus); } finally { File.Delete(bogus); }
        });

        Test("loader: first call of a process binds the library (version, raw NativeMethods, connect)", () =>
        {
            RunChild(null, "--child-first-call", "version");
            RunChild(null, "--child-first-call", "raw");
            RunChild(null, "--child-first-call", "connect");
        });


        // ================================================================ operations (GPU, deploy, VMs, extensions, update)
        string rg = NewName("cs-gpu");
        string imageName = "cs-linux-img";
        string vm1 = "cs-vm1";
        string templates = TemplatesDir();
        string vhd = null;
        session.NewResourceGroup(rg, "DBELocal", null);

        Test("gpu: availability numbers with device facts from the connect options", () =>
        {
            AseGpuReport r = session.GetGpuAvailability();
            Eq("T4", r.GpuModel, "model (ARM sizes)");
            Eq((int?)2, r.GpuCount, "count (profile)");
            True(r.GpuCountSource.Contains("connection profile"), "count source says profile: " + r.GpuCountSource);
            Eq((bool?)false, r.KubernetesConfigured, "kubernetes (profile)");
            Eq((int?)0, r.GpusClaimedByKubernetes, "kubernetes GPUs");
            Eq(r.GpuVms.Where(v => v.HoldsGpus).Sum(v => v.Gpus), r.GpusHeldByVms, "held = sum over holding VMs");
            Eq((int?)(2 - r.GpusHeldByVms), r.FreeGpus, "free = 2 - held");
            True(r.Json.Contains("\"freeGpus\""), "raw JSON kept");
            // Without device facts the report says the count is unknown, and why.
            AseConnectOptions o = Options();
            o.GpuCount = null; o.KubernetesConfigured = null; o.DeviceRelease = null; o.GpuModel = null;
            using (AseSession bare = AseSession.Connect(o, Password))
            {
                AseGpuReport u = bare.GetGpuAvailabilityAsync(CancellationToken.None).Result;
                Eq((int?)null, u.GpuCount, "unknown count");
                Eq((int?)null, u.FreeGpus, "unknown free");
                True(u.Notes.Any(n => n.Contains("gpuCount")), "a note names the missing fact");
            }
            Console.WriteLine("     " + r.GpuModel + " x" + r.GpuCount + ", held " + r.GpusHeldByVms + ", free " + r.FreeGpus);
        });

        Test("image: asegpu_vhd_check on a made fixed VHD (and a refused one), asegpu_image_create end to end", () =>
        {
            vhd = MakeFixedVhd(2);
            AseVhdInfo info = AseSession.CheckVhd(vhd);
            Eq(2L << 20, info.DiskSize, "disk size");
            Eq("MBR", info.Partitioning, "MBR");
            Eq("V1", info.HyperVGeneration, "generation 1");
            string raw = Path.Combine(Path.GetTempPath(), "cs-raw-" + Guid.NewGuid().ToString("N") + ".vhd");
            File.WriteAllBytes(raw, new byte[1 << 20]);
            try
            {
                AseGpuException e = Throws(() => AseSession.CheckVhd(raw), AseStatus.InvalidArgument, "raw disk refused");
                True(e.Message.Contains("footer") || e.Message.Contains("raw"), "message names the problem: " + e.Message);
            }
            finally { File.Delete(raw); }
            Collect progress = new Collect();
            AseImageResult img = session.NewImage(new AseImageRequest
            {
                ResourceGroup = rg, StorageAccount = "csimgsa" + Guid.NewGuid().ToString("N").Substring(0, 6),
                VhdPath = vhd, ImageName = imageName, OsType = "Linux",
            }, progress, CancellationToken.None);
            True(img.ImageId.EndsWith("/images/" + imageName, StringComparison.OrdinalIgnoreCase), "image id " + img.ImageId);
            Eq(imageName, img.ImageName, "image name");
            True(img.Upload != null && img.Upload.SizeBytes == (2L << 20) + 512, "upload summary size");
            True(progress.Events.Any(ev => ev.BytesTotal.HasValue), "upload progress carries bytes");
            Console.WriteLine("     " + img.ImageId + " (" + progress.Events.Count + " events, sent " + img.Upload.SentBytes + " bytes)");
        });

        Test("preflight: by size (fits / too many GPUs) and of the real CreateVM template", () =>
        {
            AsePreflightReport ok = session.TestVmSize("Standard_NC4as_T4_v3", 1, CancellationToken.None);
            True(ok.Ok, "one T4 VM fits: " + ok.Verdict);
            Eq(1, ok.GpusNeeded, "GPUs needed");
            AsePreflightReport no = session.TestVmSize("Standard_NC4as_T4_v3", 3, CancellationToken.None);
            True(!no.Ok, "three do not fit");
            True(no.Findings.Any(f => f.Severity == "error" && f.Code == "InsufficientGpus" && f.Fix != null), "InsufficientGpus with a fix: " + string.Join("; ", no.Findings.Select(f => f.ToString()).ToArray()));
            AsePreflightReport wrong = session.TestVmSize("Standard_NC4as_A2_v3".Replace("_v3", ""), 1, CancellationToken.None);
            True(!wrong.Ok || wrong.Findings.Length > 0, "an unknown/mismatched size is reported");
            AsePreflightReport t = session.TestDeployment(VmDeployment(templates, rg, imageName, "cs-pre", "cs-pre-nic"));
            True(t.Ok, "template preflight ok: " + t.Verdict + " " + string.Join("; ", t.Findings.Select(f => f.ToString()).ToArray()));
            Eq(1, t.Planned.Length, "one planned VM");
            Eq("Standard_NC4as_T4_v3", t.Planned[0].VmSize, "planned size from the override");
            True(t.Availability != null && t.Availability.GpuCount == 2, "availability inside the report");
        });

        Test("deploy: real CreateVM.json + parameter file with overrides (progress, Parameters, IPs)", () =>
        {
            Collect progress = new Collect();
            AseDeploymentRequest req = VmDeployment(templates, rg, imageName, vm1, vm1 + "-nic");
            req.Name = "cs-gpuvm-deployment";
            AseDeploymentResult r = session.NewDeployment(req, progress, CancellationToken.None);
            Eq("cs-gpuvm-deployment", r.DeploymentName, "deployment name");
            Eq("Succeeded", r.ProvisioningState, "state");
            EqI(rg, r.ResourceGroupName, "resource group");
            Eq("Incremental", r.Mode, "mode");
            True(r.Timestamp.HasValue, "timestamp");
            Eq(1, r.Vms.Length, "one VM");
            Eq(vm1, r.Vms[0].Name, "vm name");
            Eq(1, r.Vms[0].Gpus, "one GPU");
            Eq("running", r.Vms[0].PowerState, "running");
            True(r.IpAddresses.Length == 1 && r.IpAddresses[0].Length > 6, "IP address " + string.Join(",", r.IpAddresses));
            True(r.Preflight != null && r.Preflight.Ok, "preflight ran and passed");
            AseDeploymentParameter size = r.Parameters.First(p => p.Name == "vmSize");
            Eq("Standard_NC4as_T4_v3", (string)size.Value, "override wins over the parameter file");
            Eq("String", size.Type, "type from the template");
            True(r.Parameters.Any(p => p.Name == "subnetName" && (string)p.Value == "ASEVNETsubNet"), "value from the parameter file");
            True(progress.Events.Count > 0 && progress.Events.All(e => e.Operation != null), "progress events");
            Console.WriteLine("     " + r.DeploymentName + " " + r.ProvisioningState + ", " + vm1 + " at " + r.IpAddresses[0] + ", " + progress.Events.Count + " events");
        });

        Test("vm: get / list (resource group and device) / errors", () =>
        {
            AseVmView v = session.GetVm(rg, vm1);
            Eq("Standard_NC4as_T4_v3", v.VmSize, "size");
            Eq("Linux", v.OsType, "os type");
            Eq("Succeeded", v.ProvisioningState, "provisioning");
            True(v.Statuses.Any(s => s.Code == "PowerState/running" && s.DisplayStatus == "VM running"), "Az-style statuses");
            True(v.ImageId != null && v.ImageId.EndsWith(imageName, StringComparison.OrdinalIgnoreCase), "image id " + v.ImageId);
            True(session.ListVms(rg).Any(x => x.Name == vm1 && x.PrivateIpAddresses.Length > 0), "listed in the group with its IP");
            True(session.ListVms(null).Any(x => x.Name == vm1), "listed on the device");
            AseGpuException e = Throws(() => session.GetVm(rg, "no-such-vm"), AseStatus.NotFound, "missing VM");
            Eq(404, e.HttpStatus, "404");
            Eq("no-such-vm", e.Target, "target");
            Throws(() => session.GetVm(null, vm1), AseStatus.NullArgument, "null group");
            Throws(() => session.SetVmPowerState(rg, vm1, "hibernate"), AseStatus.InvalidArgument, "unknown action");
        });

        Test("vm: asegpu_vm_create with a SecureString admin password, then delete", () =>
        {
            AseVmView v = session.NewVm(new AseVmRequest { ResourceGroupName = rg, Name = "cs-cpu", Image = imageName, VmSize = "Standard_D2_v2", VnetResourceGroup = "ASERG" },
                Secure("VmAdmin-Passw0rd!"), null, CancellationToken.None);
            Eq("cs-cpu", v.Name, "created");
            Eq(0, v.Gpus, "CPU size");
            True(v.PrivateIpAddresses.Length > 0, "has an IP");
            AseGpuException e = Throws(() => session.InstallGpuExtension(new AseGpuExtensionRequest { ResourceGroupName = rg, VmName = "cs-cpu" }),
                AseStatus.InvalidArgument, "GPU extension on a CPU VM refused before sending");
            True(e.Message.Contains("not a GPU VM size"), e.Message);
            Collect progress = new Collect();
            session.RemoveVmAsync(rg, "cs-cpu", progress, CancellationToken.None).Wait();
            Throws(() => session.GetVm(rg, "cs-cpu"), AseStatus.NotFound, "deleted");
        });

        Test("extension: install from a Task (callbacks on pool threads), get, list, remove", () =>
        {
            Collect progress = new Collect();
            int me = Thread.CurrentThread.ManagedThreadId;
            AseExtensionInstallResult r = session.InstallGpuExtensionAsync(new AseGpuExtensionRequest { ResourceGroupName = rg, VmName = vm1 }, progress, CancellationToken.None).Result;
            Eq("Microsoft.HpcCompute", (string)r.Chosen["publisher"], "publisher chosen");
            Eq("NvidiaGpuDriverLinux", (string)r.Chosen["type"], "Linux driver chosen");
            Eq("1.8", (string)r.Chosen["typeHandlerVersion"], "2309 -> 1.8");
            Eq("Succeeded", r.Extension.ProvisioningState, "succeeded");
            True(progress.Events.Count > 0, "progress events");
            True(progress.Threads.All(id => id != me), "callbacks ran on the Task's pool thread, not the caller's");
            AseExtensionView x = session.GetVmExtension(rg, vm1, r.Name);
            Eq(vm1, x.VMName, "VMName");
            Eq("NvidiaGpuDriverLinux", x.ExtensionType, "ExtensionType");
            Eq("1.8", x.TypeHandlerVersion, "TypeHandlerVersion");
            True(x.Statuses.Length > 0, "instance view statuses");
            True(session.ListVmExtensions(rg, vm1).Any(y => y.Name == r.Name), "listed");
            Throws(() => session.GetVmExtension(rg, vm1, "nope"), AseStatus.NotFound, "missing extension");
            // Explicit Az-style values (the older release's 1.3) and removal.
            session.RemoveVmExtensionAsync(rg, vm1, r.Name, null, CancellationToken.None).Wait();
            Throws(() => session.GetVmExtension(rg, vm1, r.Name), AseStatus.NotFound, "removed");
            Hashtable settings = new Hashtable();
            AseExtensionInstallResult r2 = session.InstallGpuExtension(new AseGpuExtensionRequest
            {
                ResourceGroupName = rg, VmName = vm1, Name = "gpuLinuxExt", Publisher = "Microsoft.HpcCompute",
                ExtensionType = "NvidiaGpuDriverLinux", TypeHandlerVersion = "1.8", Settings = settings,
            }, null, CancellationToken.None);
            Eq("gpuLinuxExt", r2.Extension.Name, "explicit name");
            Console.WriteLine("     " + r.Name + " " + r.Extension.ProvisioningState + " (" + progress.Events.Count + " events, warnings: " + r.Warnings.Length + ")");
        });

        Test("power: stop (stay provisioned), start, restart, deallocate, start; availability follows", () =>
        {
            Eq("stopped", session.SetVmPowerState(rg, vm1, "stop").PowerState, "stop keeps it provisioned");
            AseGpuReport r = session.GetGpuAvailability();
            True(r.GpuVms.Any(v => v.Name == vm1 && v.HoldsGpus), "stopped VM still holds its GPU");
            Eq("running", session.SetVmPowerStateAsync(rg, vm1, "start", null, CancellationToken.None).Result.PowerState, "start");
            Eq("running", session.SetVmPowerState(rg, vm1, "restart").PowerState, "restart");
            Eq("deallocated", session.SetVmPowerState(rg, vm1, "deallocate").PowerState, "deallocate");
            r = session.GetGpuAvailability();
            True(r.GpuVms.Any(v => v.Name == vm1 && !v.HoldsGpus), "deallocated VM releases its GPU");
            Eq((int?)2, r.FreeGpus, "both GPUs free again");
            AseOperation op = session.StartSetVmPowerState(rg, vm1, "start");
            int drained = 0;
            while (!op.Wait(50)) drained += op.DrainProgress().Length;
            Eq("running", ((AseVmView)op.GetResult()).PowerState, "start through an AseOperation");
        });

        Test("update: suspend stops running GPU VMs staying provisioned; resume starts them", () =>
        {
            AseUpdateRecord rec = session.SuspendForUpdateAsync(null, CancellationToken.None).Result;
            True(rec.Stopped.Any(s => s.Name == vm1), "record lists " + vm1);
            EqI(S("subscription_id"), rec.SubscriptionId, "record's subscription");
            Eq("stopped", session.GetVm(rg, vm1).PowerState, "stayed provisioned");
            AseVmView[] started = session.ResumeAfterUpdate(rec.Json, null, CancellationToken.None);
            True(started.Any(v => v.Name == vm1 && v.PowerState == "running"), "resumed");
            string other = rec.Json.Replace(rec.SubscriptionId, "00000000-0000-0000-0000-000000000000");
            Throws(() => session.ResumeAfterUpdate(other, null, CancellationToken.None), AseStatus.InvalidArgument, "record of another device");
            Throws(() => session.ResumeAfterUpdate("{", null, CancellationToken.None), AseStatus.InvalidJson, "bad record");
        });

        Test("threads: 16 threads share one session over the new calls", () =>
        {
            ConcurrentQueue<Exception> errors = new ConcurrentQueue<Exception>();
            int ok = 0;
            Thread[] ts = Enumerable.Range(0, 16).Select(k => new Thread(() =>
            {
                try
                {
                    for (int i = 0; i < 3; i++)
                    {
                        switch ((k + i) % 4)
                        {
                            case 0: Eq(vm1, session.GetVm(rg, vm1).Name, "get"); break;
                            case 1: True(session.ListVms(rg).Length >= 1, "list"); break;
                            case 2: Eq((int?)2, session.GetGpuAvailability().GpuCount, "availability"); break;
                            default: True(session.ListVmExtensions(rg, vm1).Length >= 1, "extensions"); break;
                        }
                    }
                    if (k == 0) Eq("running", session.SetVmPowerState(rg, vm1, "restart", new Collect(), CancellationToken.None).PowerState, "restart meanwhile");
                    if (k == 1) True(session.TestVmSize("Standard_NC4as_T4_v3", 1, CancellationToken.None).GpusNeeded == 1, "preflight meanwhile");
                    Interlocked.Increment(ref ok);
                }
                catch (Exception e) { errors.Enqueue(e); }
            })).ToArray();
            foreach (Thread t in ts) t.Start();
            foreach (Thread t in ts) t.Join();
            Exception first;
            if (errors.TryPeek(out first)) throw new Exception(errors.Count + " thread(s) failed, first: " + first.Message);
            Eq(16, ok, "threads done");
        });

        Test("cancellation: a template deployment cancelled from its first progress event (before the first poll)", () =>
        {
            CancellationTokenSource cts = new CancellationTokenSource();
            Collect progress = new Collect { OnEvent = ev => cts.Cancel() };
            AseDeploymentRequest req = VmDeployment(templates, rg, imageName, "cs-cancelled", "cs-cancelled-nic");
            req.Parameters["vmSize"] = "Standard_D2_v2";
            req.Name = "cs-cancelled";
            Stopwatch sw = Stopwatch.StartNew();
            Exception e = null;
            try { session.NewDeploymentAsync(req, progress, cts.Token).Wait(); } catch (Exception x) { e = Unwrap(x); }
            True(e is AseGpuException && ((AseGpuException)e).Status == AseStatus.Cancelled, "Cancelled: " + (e == null ? "no exception" : e.Message));
            True(sw.ElapsedMilliseconds < 10000, "promptly (" + sw.ElapsedMilliseconds + " ms)");
            CancellationTokenSource pre = new CancellationTokenSource();
            pre.Cancel();
            Throws(() => session.SetVmPowerState(rg, vm1, "restart", null, pre.Token), AseStatus.Cancelled, "pre-cancelled power op");
            Throws(() => session.SuspendForUpdate(null, pre.Token), AseStatus.Cancelled, "pre-cancelled suspend");
        });

        if (slow != null)
            Test("cancellation: a template deployment on the slow emulator (default pace), cancelled while it runs", () =>
            {
                string srg = NewName("cs-slow");
                slow.NewResourceGroup(srg, null, null);
                try
                {
                    // A template with an inline VM needs no image upload: a CPU VM from an image resource made through the template path.
                    AseDeploymentRequest img = new AseDeploymentRequest
                    {
                        ResourceGroupName = srg,
                        TemplateFile = Path.Combine(templates, "CreateImage", "CreateImage.json"),
                        TemplateParameterFile = Path.Combine(templates, "CreateImage", "CreateImage.parameters.json"),
                        Parameters = new Hashtable { { "osType", "Linux" }, { "imageName", "slowimg" } },
                    };
                    CancellationTokenSource cts = new CancellationTokenSource();
                    ManualResetEventSlim first = new ManualResetEventSlim(false);
                    Collect progress = new Collect { OnEvent = ev => first.Set() };
                    Task<AseDeploymentResult> t = slow.NewDeploymentAsync(img, progress, cts.Token);
                    first.Wait(20000);
                    Stopwatch sw = Stopwatch.StartNew();
                    cts.Cancel();
                    Exception e = null;
                    try { t.Wait(); } catch (Exception x) { e = Unwrap(x); }
                    sw.Stop();
                    True(e is AseGpuException && ((AseGpuException)e).Status == AseStatus.Cancelled, "Cancelled: " + (e == null ? "no exception (finished first)" : e.Message));
                    True(sw.ElapsedMilliseconds < 2000, "returned within 2 s of Cancel (" + sw.ElapsedMilliseconds + " ms)");
                    Console.WriteLine("     cancelled " + sw.ElapsedMilliseconds + " ms after Cancel()");
                }
                finally { try { slow.RemoveResourceGroupAsync(srg, null, CancellationToken.None); } catch { } }
            });

        Test("preflight: Kubernetes holding the GPUs fails the preflight and refuses the deployment", () =>
        {
            SimDevice("{\"kubernetesConfigured\":true}");
            try
            {
                AseConnectOptions o = Options();
                o.KubernetesConfigured = true;
                using (AseSession k = AseSession.Connect(o, Password))
                {
                    AseGpuReport a = k.GetGpuAvailability();
                    Eq((int?)0, a.FreeGpus, "no free GPU");
                    Eq((int?)1, a.GpusClaimedByKubernetes, "Kubernetes claimed the GPU no VM held");
                    AseDeploymentRequest req = VmDeployment(templates, rg, imageName, "cs-k8s", "cs-k8s-nic");
                    AsePreflightReport p = k.TestDeployment(req);
                    True(!p.Ok, "preflight fails: " + p.Verdict);
                    AsePreflightFinding f = p.Findings.First(x => x.Severity == "error");
                    Eq("GpusClaimedByKubernetes", f.Code, "finding code");
                    True(f.Fix != null && f.Fix.Contains("Kubernetes"), "fix: " + f.Fix);
                    Throws(() => k.NewDeployment(req), AseStatus.PreflightFailed, "deployment refused before sending");
                    Throws(() => k.GetVm(rg, "cs-k8s"), AseStatus.NotFound, "nothing was created");
                    Console.WriteLine("     " + f.Code + ": " + f.Message);
                }
            }
            finally { SimDevice("{\"kubernetesConfigured\":false}"); }
        });

        Test("AseOperation variants of the new calls (availability, extension list, delete VM)", () =>
        {
            True(session.StartGetGpuAvailability().GetResult() is AseGpuReport, "availability");
            True(session.StartGetVmExtension(rg, vm1, null).GetResult() is AseExtensionView[], "extension list");
            True(session.StartListVms(rg).GetResult() is AseVmView[], "vm list");
            True(session.StartTestVmSize("Standard_NC4as_T4_v3", 1).GetResult() is AsePreflightReport, "preflight");
            AseOperation del = session.StartRemoveVm(rg, vm1);
            int drained = 0;
            while (!del.Wait(50)) drained += del.DrainProgress().Length;
            drained += del.DrainProgress().Length;
            Eq(true, (bool)del.GetResult(), "deleted");
            True(drained > 0, "delete progress drained (" + drained + ")");
            Throws(() => session.GetVm(rg, vm1), AseStatus.NotFound, "gone");
        });

        try { session.RemoveResourceGroup(rg); } catch (Exception e) { Console.WriteLine("     cleanup: " + e.Message); }
        if (vhd != null) try { File.Delete(vhd); } catch { }
        if (slow != null) slow.Dispose();

        session.Dispose();
        Console.WriteLine("total " + total.ElapsedMilliseconds + " ms on " + AseNative.FrameworkDescription);
        if (Failures.Count > 0) Console.WriteLine("failed: " + string.Join("; ", Failures.ToArray()));
        Console.WriteLine(Passed + " passed, " + Failed + " failed");
        return Failed == 0 ? 0 : 1;
    }

    static AseSessionHandle SessionHandle(AseSession s)
    {
        return (AseSessionHandle)typeof(AseSession).GetField("_handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance).GetValue(s);
    }

    static void RunChild(string libraryPath, string expectInMessage)
    {
        RunChild(libraryPath, "--child-load-failure", expectInMessage);
    }

    static void RunChild(string libraryPath, string mode, string arg)
    {
        Process self = Process.GetCurrentProcess();
        string host = self.MainModule.FileName;
        string exe = typeof(BindingTests).Assembly.Location;
        ProcessStartInfo psi = new ProcessStartInfo(host, "\"" + exe + "\" " + mode + " \"" + arg + "\"")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (libraryPath != null) psi.EnvironmentVariables["ASEGPU_NATIVE_LIBRARY"] = libraryPath;
        using (Process p = Process.Start(psi))
        {
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            if (!p.WaitForExit(60000)) { p.Kill(); throw new Exception("child did not exit"); }
            if (p.ExitCode != 0) throw new Exception("child exit " + p.ExitCode + ": " + output.Trim());
            Console.WriteLine("     child: " + output.Trim());
        }
    }

    // The very first thing a process does is a property that P/Invokes: the library must be bound
    // (Mono binds P/Invokes when it compiles the calling method).
    static int ChildFirstCall(string what)
    {
        try
        {
            if (what == "version") Console.WriteLine("version " + AseNative.Version);
            else if (what == "raw") { AseNative.EnsureLoaded(); RawAbi(); }
            else if (what == "connect") { try { AseSession.Connect("{", "x", null, CancellationToken.None); } catch (AseGpuException e) { Console.WriteLine(e.StatusName); } }
            return 0;
        }
        catch (Exception e) { Console.WriteLine(e); return 6; }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void RawAbi() { Console.WriteLine("abi " + NativeMethods.asegpu_abi_version()); }

    static int ChildLoadFailure(string expect)
    {
        try
        {
            string v = AseNative.Version;
            Console.WriteLine("loaded unexpectedly: " + v);
            return 3;
        }
        catch (AseGpuLoadException e)
        {
            bool good = e.Message.Contains(expect) && e.Message.Contains(e.ProcessArchitecture) && e.LibraryPath == Path.GetFullPath(expect);
            Console.WriteLine(e.Message);
            // A second attempt gives the same clear exception (not a TypeInitializationException).
            try { AseSession.Connect("{}", "x", null, CancellationToken.None); good = false; }
            catch (AseGpuLoadException) { }
            catch (Exception e2) { Console.WriteLine("second attempt: " + e2.GetType().Name); good = false; }
            return good ? 0 : 4;
        }
        catch (Exception e)
        {
            Console.WriteLine("wrong exception: " + e);
            return 5;
        }
    }
}
