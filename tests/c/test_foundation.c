/* C test of the asegpu C ABI against a running asegpu-sim.
 * Environment: ASEGPU_TEST_ARM (by host name), ASEGPU_TEST_ARM_IP, ASEGPU_TEST_CA, ASEGPU_TEST_PASSWORD,
 * ASEGPU_TEST_THUMBPRINT, ASEGPU_TEST_DEAD_ENDPOINT (an https URL where nothing listens).
 * ASEGPU_TEST_WINE=1 (Windows build under Wine only): skips one known Wine artefact, see "untrusted CA". */
#include "asegpu.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) { passed++; } else { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) { fprintf(stderr, "missing environment variable %s\n", name); exit(2); }
    return v;
}

static char options[4096];
static const char *password;

static const char *opts(const char *arm, const char *tls) {
    snprintf(options, sizeof options, "{\"armEndpoint\":\"%s\",\"deviceIp\":\"127.0.0.1\",\"tls\":%s,"
             "\"retry\":{\"maxRetries\":2,\"baseDelayMs\":20,\"maxDelayMs\":100}}", arm, tls);
    return options;
}

static char ca_tls[2048];

/* Copies s into dst as the inside of a JSON string: Windows paths (Z:\tmp\ca.pem) contain backslashes. */
static void json_escape(char *dst, size_t cap, const char *s) {
    size_t n = 0;
    for (; *s && n + 2 < cap; s++) {
        if (*s == '"' || *s == '\\') dst[n++] = '\\';
        dst[n++] = *s;
    }
    dst[n] = 0;
}

struct progress { int events; int saw_succeeded; };
static void on_progress(void *userdata, const char *event_json) {
    struct progress *p = userdata;
    p->events++;
    if (strstr(event_json, "\"stage\":\"succeeded\"")) p->saw_succeeded = 1;
}

static AsegpuSession *reentrant_session;
static AsegpuStatus reentrant_status = 12345;
static void reentrant_cb(void *userdata, const char *event_json) {
    (void)userdata; (void)event_json;
    char *json = NULL;
    if (reentrant_status == 12345) {
        reentrant_status = asegpu_session_info(reentrant_session, &json, NULL);
        asegpu_string_free(json);
    }
}

/* Takes the address of the error slot and reads it here, after the call (an argument `err` next to
 * `call(..., &err)` could be read before the call writes it: C leaves the order unspecified). */
static void check_status(AsegpuStatus got, AsegpuStatus want, AsegpuError **errp, const char *what) {
    AsegpuError *err = errp ? *errp : NULL;
    if (errp) *errp = NULL;
    CHECK(got == want, "%s: got %s (%u), want %s; %s", what, asegpu_status_name(got), got, asegpu_status_name(want),
          err ? asegpu_error_message(err) : "(no error object)");
    if (err) CHECK(asegpu_error_status(err) == got, "%s: error object status matches", what);
    if (err && password) { /* Secrets: the ARM password is in no error message or error JSON. */
        char *j = asegpu_error_to_json(err);
        CHECK(!strstr(asegpu_error_message(err), password) && j && !strstr(j, password), "%s: the password appears in the error", what);
        asegpu_string_free(j);
    }
    asegpu_error_free(err);
}

struct thread_arg { AsegpuSession *s; int index; int ok; };
static void *worker(void *p) {
    struct thread_arg *a = p;
    char req[128], name[64];
    snprintf(name, sizeof name, "thread-rg-%d", a->index);
    snprintf(req, sizeof req, "{\"name\":\"%s\"}", name);
    char *out = NULL;
    AsegpuStatus st = asegpu_resource_group_create(a->s, req, NULL, &out, NULL);
    asegpu_string_free(out);
    out = NULL;
    AsegpuStatus st2 = asegpu_resource_group_get(a->s, name, NULL, &out, NULL);
    a->ok = st == ASEGPU_STATUS_OK && st2 == ASEGPU_STATUS_OK && out && strstr(out, name);
    asegpu_string_free(out);
    return NULL;
}

int main(void) {
    const char *arm = env("ASEGPU_TEST_ARM");
    const char *arm_ip = env("ASEGPU_TEST_ARM_IP");
    const char *ca = env("ASEGPU_TEST_CA");
    password = env("ASEGPU_TEST_PASSWORD");
    const char *thumb = env("ASEGPU_TEST_THUMBPRINT");
    const char *dead = env("ASEGPU_TEST_DEAD_ENDPOINT");
    char ca_json[1024];
    json_escape(ca_json, sizeof ca_json, ca);
    snprintf(ca_tls, sizeof ca_tls, "{\"caCertFile\":\"%s\",\"caOnly\":true}", ca_json);

    /* Versions. */
    CHECK(asegpu_abi_version() == ASEGPU_ABI_VERSION, "ABI version %u vs header %d", asegpu_abi_version(), ASEGPU_ABI_VERSION);
    CHECK(strlen(asegpu_version()) > 0, "version string");
    CHECK(strcmp(asegpu_status_name(ASEGPU_STATUS_NOT_FOUND), "NOT_FOUND") == 0, "status name");
    CHECK(strcmp(asegpu_status_name(9999), "UNKNOWN") == 0, "unknown status name");

    /* Connect with progress events. */
    AsegpuSession *s = NULL;
    AsegpuError *err = NULL;
    struct progress prog = {0, 0};
    AsegpuStatus st = asegpu_session_connect(opts(arm, ca_tls), password, on_progress, &prog, NULL, &s, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "connect");
    if (!s) { printf("%d passed, %d failed\n", passed, failed + 1); return 1; }
    CHECK(prog.events > 0 && prog.saw_succeeded, "connect progress events: %d", prog.events);

    char *json = NULL;
    st = asegpu_session_info(s, &json, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "info");
    CHECK(json && strstr(json, "\"subscriptionName\":\"Default Provider Subscription\""), "info: %s", json ? json : "(null)");
    CHECK(json && strstr(json, "\"tlsVerification\":\"verified\""), "tls verified");
    CHECK(json && !strstr(json, password), "password not in info");
    asegpu_string_free(json);

    /* Resource groups. */
    json = NULL;
    st = asegpu_resource_group_create(s, "{\"name\":\"c-rg\",\"tags\":{\"owner\":\"c-test\"}}", NULL, &json, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "create");
    CHECK(json && strstr(json, "\"name\":\"c-rg\"") && strstr(json, "\"location\":\"dbelocal\""), "created: %s", json ? json : "");
    asegpu_string_free(json);
    json = NULL;
    st = asegpu_resource_group_list(s, NULL, &json, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "list");
    CHECK(json && json[0] == '[' && strstr(json, "\"c-rg\"") && strstr(json, "\"ASERG\""), "list: %s", json ? json : "");
    asegpu_string_free(json);
    json = NULL;
    st = asegpu_resource_group_get(s, "C-RG", NULL, &json, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "get (case-insensitive)");
    asegpu_string_free(json);
    struct progress del = {0, 0};
    st = asegpu_resource_group_delete(s, "c-rg", on_progress, &del, NULL, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "delete");
    CHECK(del.events >= 2 && del.saw_succeeded, "delete progress: %d events", del.events);

    /* Not found carries the ARM details. */
    json = NULL;
    st = asegpu_resource_group_get(s, "c-rg", NULL, &json, &err);
    CHECK(st == ASEGPU_STATUS_NOT_FOUND && json == NULL, "deleted group is gone: %s", asegpu_status_name(st));
    CHECK(err && strcmp(asegpu_error_arm_code(err), "ResourceGroupNotFound") == 0, "arm code");
    CHECK(err && asegpu_error_http_status(err) == 404, "http 404");
    CHECK(err && asegpu_error_request_id(err) && asegpu_error_correlation_id(err), "request and correlation ids");
    char *ej = asegpu_error_to_json(err);
    CHECK(ej && strstr(ej, "\"statusName\":\"NOT_FOUND\"") && strstr(ej, "\"armCode\":\"ResourceGroupNotFound\""), "error json: %s", ej ? ej : "");
    asegpu_string_free(ej);
    asegpu_error_free(err);
    err = NULL;
    char *last = asegpu_last_error_message();
    CHECK(last && strstr(last, "could not be found"), "last error message");
    asegpu_string_free(last);

    /* Bad input: NULLs, invalid UTF-8, malformed JSON, unknown fields, bad location. */
    AsegpuSession *s2 = NULL;
    check_status(asegpu_session_connect(NULL, password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_NULL_ARGUMENT, &err, "NULL options");
    err = NULL;
    check_status(asegpu_session_connect(opts(arm, ca_tls), NULL, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_NULL_ARGUMENT, &err, "NULL password");
    err = NULL;
    check_status(asegpu_session_connect(opts(arm, ca_tls), password, NULL, NULL, NULL, NULL, &err), ASEGPU_STATUS_NULL_ARGUMENT, &err, "NULL out_session");
    err = NULL;
    check_status(asegpu_resource_group_list(NULL, NULL, &json, &err), ASEGPU_STATUS_NULL_ARGUMENT, &err, "NULL session");
    err = NULL;
    check_status(asegpu_resource_group_list(s, NULL, NULL, &err), ASEGPU_STATUS_NULL_ARGUMENT, &err, "NULL out_json");
    CHECK(asegpu_resource_group_list(s, NULL, NULL, NULL) == ASEGPU_STATUS_NULL_ARGUMENT, "NULL out_error is allowed");
    err = NULL;
    check_status(asegpu_session_connect("{\"armEndpoint\":\"https://x\xff\xfe/\"}", password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_INVALID_UTF8, &err, "invalid UTF-8 options");
    err = NULL;
    check_status(asegpu_resource_group_get(s, "bad\xc3\x28name", NULL, &json, &err), ASEGPU_STATUS_INVALID_UTF8, &err, "invalid UTF-8 name");
    err = NULL;
    check_status(asegpu_session_connect("{\"armEndpoint\": ", password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_INVALID_JSON, &err, "malformed JSON");
    err = NULL;
    check_status(asegpu_session_connect("{\"armEndpoint\":\"https://a/\",\"passwrd\":1}", password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_INVALID_ARGUMENT, &err, "unknown field");
    err = NULL;
    check_status(asegpu_resource_group_create(s, "{\"name\":\"x\",\"location\":\"westus\"}", NULL, &json, &err), ASEGPU_STATUS_INVALID_ARGUMENT, &err, "location westus");
    err = NULL;
    check_status(asegpu_resource_group_create(s, "[1,2]", NULL, &json, &err), ASEGPU_STATUS_INVALID_ARGUMENT, &err, "JSON of the wrong shape");
    CHECK(asegpu_error_status(NULL) == ASEGPU_STATUS_NULL_ARGUMENT && asegpu_error_message(NULL) == NULL, "NULL error accessors");
    asegpu_error_free(NULL);
    asegpu_string_free(NULL);
    asegpu_session_free(NULL);
    asegpu_cancel_token_free(NULL);

    /* Sign-in and transport failures. */
    err = NULL;
    check_status(asegpu_session_connect(opts(arm, ca_tls), "wrong-password", NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_AUTHENTICATION, &err, "wrong password");
    err = NULL;
    st = asegpu_session_connect(opts(arm, ca_tls), "wrong-password", NULL, NULL, NULL, &s2, &err);
    CHECK(err && strcmp(asegpu_error_arm_code(err), "invalid_grant") == 0 && !strstr(asegpu_error_message(err), "wrong-password"), "AD FS code, no password in message");
    asegpu_error_free(err);
    err = NULL;
    st = asegpu_session_connect(opts(arm, "{}"), password, NULL, NULL, NULL, &s2, &err);
    /* Wine 8.0's crypt32 rejects valid ECDSA P-256 signatures whose r or s has fewer than 32 significant bytes
     * (about 1 in 64 of the emulator's random two-certificate chains) with TRUST_E_CERT_SIGNATURE (0x80096004 =
     * -2146869244) instead of CERT_E_UNTRUSTEDROOT. With ASEGPU_TEST_WINE=1 (set by tests/windows/run.sh) exactly
     * that outcome is skipped; any other result is still checked. */
    if (st != ASEGPU_STATUS_TLS && getenv("ASEGPU_TEST_WINE") && err && strstr(asegpu_error_message(err), "-2146869244")) {
        printf("SKIP untrusted CA: Wine crypt32 ECDSA signature bug (TRUST_E_CERT_SIGNATURE): %s\n", asegpu_error_message(err));
        asegpu_error_free(err);
        err = NULL;
    } else {
        check_status(st, ASEGPU_STATUS_TLS, &err, "untrusted CA");
    }
    err = NULL;
    char pin[256];
    snprintf(pin, sizeof pin, "{\"certificateThumbprint\":\"%s\"}", thumb);
    st = asegpu_session_connect(opts(arm_ip, pin), password, NULL, NULL, NULL, &s2, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "pinned thumbprint by IP");
    asegpu_session_free(s2);
    s2 = NULL;
    err = NULL;
    check_status(asegpu_session_connect(opts(dead, ca_tls), password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_CONNECTION, &err, "unreachable endpoint");

    /* Panics never cross the boundary. */
    err = NULL;
    check_status(asegpu_debug_panic(0, &err), ASEGPU_STATUS_PANIC, &err, "panic on the caller's thread");
    err = NULL;
    check_status(asegpu_debug_panic(1, &err), ASEGPU_STATUS_PANIC, &err, "panic in a runtime task");

    /* Cancellation. */
    AsegpuCancelToken *tok = asegpu_cancel_token_new();
    CHECK(asegpu_cancel_token_is_cancelled(tok) == 0, "fresh token");
    asegpu_cancel_token_cancel(tok);
    CHECK(asegpu_cancel_token_is_cancelled(tok) == 1, "cancelled token");
    err = NULL;
    check_status(asegpu_resource_group_list(s, tok, &json, &err), ASEGPU_STATUS_CANCELLED, &err, "cancelled list");
    asegpu_cancel_token_free(tok);

    /* A callback that calls back into asegpu is refused cleanly; the outer call still succeeds. */
    reentrant_session = s;
    json = NULL;
    st = asegpu_resource_group_create(s, "{\"name\":\"reentry\"}", NULL, &json, NULL);
    asegpu_string_free(json);
    err = NULL;
    st = asegpu_resource_group_delete(s, "reentry", reentrant_cb, NULL, NULL, &err);
    check_status(st, ASEGPU_STATUS_OK, &err, "outer call with a re-entrant callback");
    CHECK(reentrant_status == ASEGPU_STATUS_INTERNAL, "re-entrant call refused: %u", reentrant_status);

    /* One session, many threads. */
    enum { N = 64 };
    pthread_t th[N];
    struct thread_arg args[N];
    for (int i = 0; i < N; i++) { args[i].s = s; args[i].index = i; args[i].ok = 0; pthread_create(&th[i], NULL, worker, &args[i]); }
    int ok = 0;
    for (int i = 0; i < N; i++) { pthread_join(th[i], NULL); ok += args[i].ok; }
    CHECK(ok == N, "%d of %d threads succeeded", ok, N);

    asegpu_session_free(s);
    CHECK(asegpu_shutdown() == ASEGPU_STATUS_OK, "shutdown");
    /* The runtime comes back on demand. */
    s2 = NULL;
    err = NULL;
    check_status(asegpu_session_connect(opts(arm, ca_tls), password, NULL, NULL, NULL, &s2, &err), ASEGPU_STATUS_OK, &err, "connect after shutdown");
    asegpu_session_free(s2);
    asegpu_shutdown();

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
