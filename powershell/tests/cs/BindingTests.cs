// Self-contained test runner for AseGpu.Interop (no NUnit): runs on Mono and on .NET 8 unchanged.
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
            // The deletion goes on on the device; wait until it is gone so the emulator stays tidy.
            for (int i = 0; i < 100; i++)
            {
                try { session.GetResourceGroup(name); Thread.Sleep(100); }
                catch (AseGpuException e) { if (e.Status == AseStatus.NotFound) return; throw; }
            }
        });

        Test("threads: 32 threads share one session", () =>
        {
            string shared = NewName("cs-shared");
            session.NewResourceGroup(shared, null, null);
            int ok = 0;
            ConcurrentQueue<Exception> errors = new ConcurrentQueue<Exception>();
            Thread[] ts = new Thread[32];
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
            Eq(32, ok, "threads done");
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
