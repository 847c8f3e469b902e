/* C test of the asegpu operations ABI against a running asegpu-sim: GPU availability and preflight, the
 * image flow, template and direct deployments, VM power, the GPU extension, the update helper, bad input
 * and cancellation. Environment as test_foundation.c, plus ASEGPU_TEST_TEMPLATES (the VmTemplates folder)
 * and ASEGPU_TEST_VHD (a small fixed VHD) and ASEGPU_TEST_NOT_VHD (any other file). */
#include "asegpu.h"
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

/* The inside of a JSON string (Windows paths contain backslashes). */
static const char *js(const char *s) {
    static char bufs[4][1024];
    static int next;
    char *d = bufs[next++ % 4];
    size_t n = 0;
    for (; *s && n + 2 < sizeof bufs[0]; s++) { if (*s == '"' || *s == '\\') d[n++] = '\\'; d[n++] = *s; }
    d[n] = 0;
    return d;
}

/* Call, then check the status; the error (if any) is read after the call. */
#define EXPECT(want, call, what) do { AsegpuError *e_ = NULL; AsegpuError **err = &e_; AsegpuStatus st_ = (call); \
    CHECK(st_ == (want), "%s: got %s, want %s: %s", what, asegpu_status_name(st_), asegpu_status_name(want), e_ ? asegpu_error_message(e_) : ""); \
    if (e_) { CHECK(asegpu_error_status(e_) == st_, "%s: error status", what); } \
    asegpu_error_free(e_); (void)err; } while (0)

static int events;
static void on_progress(void *userdata, const char *event_json) { (void)event_json; (*(int *)userdata)++; events++; }

static int contains(const char *json, const char *needle) { return json && strstr(json, needle) != NULL; }

/* prefix + open x depth + middle + close x depth + suffix, in a new buffer (free it). */
static char *nested(const char *prefix, const char *open, const char *middle, const char *close, const char *suffix, int depth) {
    size_t len = strlen(prefix) + (strlen(open) + strlen(close)) * (size_t)depth + strlen(middle) + strlen(suffix) + 1;
    char *b = malloc(len), *p = b;
    p += sprintf(p, "%s", prefix);
    for (int i = 0; i < depth; i++) p += sprintf(p, "%s", open);
    p += sprintf(p, "%s", middle);
    for (int i = 0; i < depth; i++) p += sprintf(p, "%s", close);
    sprintf(p, "%s", suffix);
    return b;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) { fprintf(stderr, "cannot write %s\n", path); exit(2); }
    fputs(text, f);
    fclose(f);
}

/* Issue 11: deep templates, parameter files and counts made here, at run time; each gets a specific status
 * and error, never a crash of this process, and the session keeps working. */
static void host_safety(AsegpuSession *s, const char *dir) {
    char concat[1024], arrays[1024], ptemplate[1024], pfile[1024], req[8192];
    snprintf(concat, sizeof concat, "%s/deep-concat.json", dir);
    snprintf(arrays, sizeof arrays, "%s/deep-arrays.json", dir);
    snprintf(ptemplate, sizeof ptemplate, "%s/object-param.json", dir);
    snprintf(pfile, sizeof pfile, "%s/deep.parameters.json", dir);
    char *t = nested("{\"resources\":[{\"type\":\"Microsoft.Compute/virtualMachines\",\"apiVersion\":\"2020-06-01\",\"name\":\"[",
                     "concat(", "'a'", ")", "]\"}]}", 5000);
    write_file(concat, t); free(t);
    t = nested("{\"resources\":[],\"variables\":{\"v\":", "[", "1", "]", "}}", 100000);
    write_file(arrays, t); free(t);
    write_file(ptemplate, "{\"parameters\":{\"p\":{\"type\":\"object\"}},\"resources\":[]}");
    t = nested("{\"$schema\":\"x\",\"contentVersion\":\"1.0.0.0\",\"parameters\":{\"p\":{\"value\":", "{\"a\":", "1", "}", "}}}", 100000);
    write_file(pfile, t); free(t);
    const char *cases[][3] = {
        { concat, NULL, "24576 characters" },   /* 5,000 nested concat(): longer than ARM's longest expression */
        { arrays, NULL, "variables.v[0][0]" },  /* 100,000 nested arrays: past the 64 levels, with the path */
        { ptemplate, pfile, "parameters.p.value.a.a" },
    };
    for (int i = 0; i < 3; i++) {
        for (int deploy = 0; deploy < 2; deploy++) {
            /* A deployment has a name; a preflight request has none (unknown fields are refused). */
            const char *name = deploy ? ",\"name\":\"deep\"" : "";
            if (cases[i][1])
                snprintf(req, sizeof req, "{\"resourceGroupName\":\"crg\"%s,\"templateFile\":\"%s\",\"templateParameterFile\":\"%s\"}", name, js(cases[i][0]), js(cases[i][1]));
            else
                snprintf(req, sizeof req, "{\"resourceGroupName\":\"crg\"%s,\"templateFile\":\"%s\"}", name, js(cases[i][0]));
            char *out = NULL;
            AsegpuError *e = NULL;
            AsegpuStatus st = deploy ? asegpu_deployment_create(s, req, NULL, NULL, NULL, &out, &e)
                                     : asegpu_gpu_preflight(s, req, NULL, &out, &e);
            char *ej = asegpu_error_to_json(e);
            CHECK(st == ASEGPU_STATUS_INVALID_ARGUMENT, "%s %s: %s: %s", deploy ? "deploy" : "preflight", cases[i][0], asegpu_status_name(st), ej ? ej : "");
            CHECK(out == NULL, "no output on failure");
            CHECK(contains(ej, "\"armCode\":\"InvalidTemplate\"") && contains(ej, cases[i][2]), "%s: %s", cases[i][0], ej ? ej : "");
            asegpu_string_free(ej);
            asegpu_error_free(e);
        }
    }
    /* The same deep arrays inline: refused before JSON parsing goes deep. */
    t = nested("{\"resourceGroupName\":\"crg\",\"template\":{\"resources\":[],\"variables\":{\"v\":", "[", "1", "]", "}}}", 100000);
    char *out = NULL;
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_gpu_preflight(s, t, NULL, &out, err), "inline deep arrays");
    CHECK(out == NULL, "no output on failure");
    free(t);
    /* A count no device can hold (it used to abort on a 400 GB allocation). */
    AsegpuError *e = NULL;
    AsegpuStatus st = asegpu_gpu_preflight(s, "{\"vmSize\":\"Standard_NC4as_T4_v3\",\"count\":4294967295}", NULL, &out, &e);
    CHECK(st == ASEGPU_STATUS_INVALID_ARGUMENT && contains(asegpu_error_message(e), "give 1 to 24 VMs"), "huge count: %s: %s",
          asegpu_status_name(st), e ? asegpu_error_message(e) : "");
    CHECK(out == NULL, "no output on failure");
    asegpu_error_free(e);
    /* Still running, and the session still works. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_preflight(s, "{\"vmSize\":\"Standard_NC4as_T4_v3\",\"count\":1}", NULL, &out, err), "preflight after the refusals");
    CHECK(contains(out, "\"verdict\""), "preflight: %s", out);
    asegpu_string_free(out);
}

int main(void) {
    const char *arm = env("ASEGPU_TEST_ARM"), *ca = env("ASEGPU_TEST_CA"), *password = env("ASEGPU_TEST_PASSWORD");
    const char *templates = env("ASEGPU_TEST_TEMPLATES"), *vhd = env("ASEGPU_TEST_VHD"), *not_vhd = env("ASEGPU_TEST_NOT_VHD");
    char opts[4096], req[8192];
    snprintf(opts, sizeof opts, "{\"armEndpoint\":\"%s\",\"deviceIp\":\"127.0.0.1\",\"tls\":{\"caCertFile\":\"%s\",\"caOnly\":true},"
             "\"device\":{\"gpuCount\":2,\"kubernetesConfigured\":false,\"release\":\"2309\"}}", arm, js(ca));
    AsegpuSession *s = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_session_connect(opts, password, NULL, NULL, NULL, &s, err), "connect");
    if (!s) { printf("%d passed, %d failed\n", passed, failed + 1); return 1; }
    char *out = NULL;
    int n = 0;

    /* GPU availability. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_availability(s, NULL, &out, err), "availability");
    CHECK(contains(out, "\"gpuCount\":2") && contains(out, "\"freeGpus\":2") && contains(out, "\"gpuModel\":\"T4\""), "availability: %s", out);
    asegpu_string_free(out); out = NULL;

    /* The image flow: VHD check, then storage account + upload + image. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_vhd_check(vhd, &out, err), "vhd check");
    CHECK(contains(out, "\"diskSize\""), "vhd info: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_vhd_check(not_vhd, &out, err), "not a fixed VHD");
    EXPECT(ASEGPU_STATUS_NULL_ARGUMENT, asegpu_vhd_check(NULL, &out, err), "NULL path");
    EXPECT(ASEGPU_STATUS_OK, asegpu_resource_group_create(s, "{\"name\":\"crg\"}", NULL, &out, err), "group");
    asegpu_string_free(out); out = NULL;
    snprintf(req, sizeof req, "{\"resourceGroup\":\"crg\",\"storageAccount\":\"cimagesa\",\"vhdPath\":\"%s\",\"imageName\":\"ubuntu1804\",\"osType\":\"Linux\"}", js(vhd));
    n = 0;
    EXPECT(ASEGPU_STATUS_OK, asegpu_image_create(s, req, on_progress, &n, NULL, &out, err), "bring image");
    CHECK(contains(out, "/images/ubuntu1804") && n > 0, "image (%d events): %s", n, out);
    asegpu_string_free(out); out = NULL;

    /* The storage data plane and one ARM request (what the Az compatibility layer builds on). */
    EXPECT(ASEGPU_STATUS_OK, asegpu_arm_request(s, "{\"method\":\"GET\",\"path\":\"/subscriptions\",\"apiVersion\":\"2016-06-01\"}",
                                                NULL, NULL, NULL, &out, err), "arm request");
    CHECK(contains(out, "Default Provider Subscription"), "subscriptions: %s", out);
    char sub[64] = {0};
    const char *sid = out ? strstr(out, "\"subscriptionId\":\"") : NULL;
    if (sid) sscanf(sid + 18, "%63[^\"]", sub);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_arm_request(s, "{\"method\":\"GET\",\"path\":\"https://elsewhere.example/x\",\"apiVersion\":\"2016-06-01\"}",
                                                              NULL, NULL, NULL, &out, err), "a URL is refused: the token stays on the device");
    EXPECT(ASEGPU_STATUS_INVALID_JSON, asegpu_arm_request(s, "{\"method\":", NULL, NULL, NULL, &out, err), "malformed request");
    EXPECT(ASEGPU_STATUS_NULL_ARGUMENT, asegpu_arm_request(NULL, "{}", NULL, NULL, NULL, &out, err), "NULL session");
    snprintf(req, sizeof req, "{\"method\":\"POST\",\"path\":\"/subscriptions/%s/resourceGroups/crg/providers/Microsoft.Storage/storageAccounts/cimagesa/listKeys\","
             "\"apiVersion\":\"2019-06-01\",\"longRunning\":false}", sub);
    EXPECT(ASEGPU_STATUS_OK, asegpu_arm_request(s, req, NULL, NULL, NULL, &out, err), "listKeys");
    char key[256] = {0};
    const char *kv = out ? strstr(out, "\"value\":\"") : NULL;
    if (kv) sscanf(kv + 9, "%255[^\"]", key);
    CHECK(key[0] != 0, "a key: %s", out);
    asegpu_string_free(out); out = NULL;
    char ctx[512];
    snprintf(ctx, sizeof ctx, "{\"storageAccountName\":\"cimagesa\",\"storageAccountKey\":\"%s\"}", key);
    snprintf(req, sizeof req, "{\"context\":%s,\"name\":\"cdata\"}", ctx);
    EXPECT(ASEGPU_STATUS_OK, asegpu_storage_container_create(s, req, NULL, &out, err), "container");
    CHECK(contains(out, "\"created\":true") && contains(out, "/cdata"), "container: %s", out);
    asegpu_string_free(out); out = NULL;
    snprintf(req, sizeof req, "{\"context\":%s,\"resourceType\":[\"Container\",\"Service\",\"Object\"],\"permission\":\"acdlrw\"}", ctx);
    EXPECT(ASEGPU_STATUS_OK, asegpu_storage_sas_token(req, &out, err), "SAS token");
    CHECK(out && out[0] == '?' && contains(out, "sp=rwdlac") && contains(out, "&sig="), "token: %s", out);
    asegpu_string_free(out); out = NULL;
    snprintf(req, sizeof req, "{\"context\":%s,\"resourceType\":[\"Queue\"],\"permission\":\"r\"}", ctx);
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_storage_sas_token(req, &out, err), "SAS for a resource type the blob service has not");
    snprintf(req, sizeof req, "{\"context\":%s,\"container\":\"cdata\",\"blobName\":\"copy.vhd\",\"file\":\"%s\"}", ctx, js(vhd));
    n = 0;
    EXPECT(ASEGPU_STATUS_OK, asegpu_storage_page_blob_upload(s, req, on_progress, &n, NULL, &out, err), "page blob upload");
    CHECK(contains(out, "/cdata/copy.vhd"), "upload: %s", out);
    asegpu_string_free(out); out = NULL;

    /* Preflight: a size, a wrong GPU model, a template. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_preflight(s, "{\"vmSize\":\"Standard_NC4as_T4_v3\",\"count\":2}", NULL, &out, err), "preflight size");
    CHECK(contains(out, "\"ok\":true"), "two T4 VMs fit: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_preflight(s, "{\"vmSize\":\"Standard_NC4as_A2\"}", NULL, &out, err), "preflight A2");
    CHECK(contains(out, "\"ok\":false") && contains(out, "GpuModelMismatch"), "A2 on a T4 device: %s", out);
    asegpu_string_free(out); out = NULL;
    char params[2048];
    snprintf(params, sizeof params, "\"templateFile\":\"%s/CreateVM/CreateVM.json\",\"templateParameterFile\":\"%s/CreateVM/CreateVM.parameters.json\","
             "\"parameters\":{\"vmName\":\"cvm1\",\"nicName\":\"cnic1\",\"imageName\":\"ubuntu1804\",\"vmSize\":\"Standard_NC4as_T4_v3\",\"vnetRG\":\"ASERG\"}",
             js(templates), js(templates));
    snprintf(req, sizeof req, "{\"resourceGroupName\":\"crg\",%s}", params);
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_preflight(s, req, NULL, &out, err), "preflight template");
    CHECK(contains(out, "\"ok\":true") && contains(out, "\"gpusNeeded\":1"), "template preflight: %s", out);
    asegpu_string_free(out); out = NULL;

    /* Deploy the real CreateVM.json: the result reports the VM's IP. */
    snprintf(req, sizeof req, "{\"resourceGroupName\":\"crg\",\"name\":\"c-deploy\",%s}", params);
    n = 0;
    EXPECT(ASEGPU_STATUS_OK, asegpu_deployment_create(s, req, on_progress, &n, NULL, &out, err), "deploy template");
    CHECK(contains(out, "\"provisioningState\":\"Succeeded\"") && contains(out, "\"privateIpAddresses\":[\"") && n > 0, "deployment: %s", out);
    asegpu_string_free(out); out = NULL;

    /* VM get / list / power. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_get(s, "crg", "cvm1", NULL, &out, err), "vm get");
    CHECK(contains(out, "\"powerState\":\"running\"") && contains(out, "\"gpus\":1"), "vm: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_list(s, NULL, NULL, &out, err), "vm list (device)");
    CHECK(contains(out, "\"cvm1\""), "list: %s", out);
    asegpu_string_free(out); out = NULL;
    const char *actions[][2] = {{"stop", "stopped"}, {"deallocate", "deallocated"}, {"start", "running"}, {"restart", "running"}};
    for (int i = 0; i < 4; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"powerState\":\"%s\"", actions[i][1]);
        EXPECT(ASEGPU_STATUS_OK, asegpu_vm_power(s, "crg", "cvm1", actions[i][0], NULL, NULL, NULL, &out, err), actions[i][0]);
        CHECK(contains(out, want), "%s: %s", actions[i][0], out);
        asegpu_string_free(out); out = NULL;
    }
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_vm_power(s, "crg", "cvm1", "explode", NULL, NULL, NULL, &out, err), "bad action");
    EXPECT(ASEGPU_STATUS_NOT_FOUND, asegpu_vm_get(s, "crg", "nosuchvm", NULL, &out, err), "missing VM");

    /* GPU extension: chosen from the OS and release; get, list, remove. */
    n = 0;
    EXPECT(ASEGPU_STATUS_OK, asegpu_gpu_extension_install(s, "{\"resourceGroupName\":\"crg\",\"vmName\":\"cvm1\"}", on_progress, &n, NULL, &out, err), "extension install");
    CHECK(contains(out, "\"typeHandlerVersion\":\"1.8\"") && contains(out, "\"provisioningState\":\"Succeeded\"") && n > 0, "extension: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_extension_get(s, "crg", "cvm1", "gpuLinux", NULL, &out, err), "extension get");
    CHECK(contains(out, "NvidiaGpuDriverLinux"), "get: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_extension_get(s, "crg", "cvm1", NULL, NULL, &out, err), "extension list");
    CHECK(out && out[0] == '[' && contains(out, "gpuLinux"), "list: %s", out);
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_extension_remove(s, "crg", "cvm1", "gpuLinux", NULL, NULL, NULL, err), "extension remove");
    EXPECT(ASEGPU_STATUS_NOT_FOUND, asegpu_vm_extension_get(s, "crg", "cvm1", "gpuLinux", NULL, &out, err), "removed");

    /* Direct GPU VM; bad input; cancellation. */
    const char *direct = "{\"resourceGroupName\":\"crg\",\"name\":\"cvm2\",\"image\":\"ubuntu1804\",\"vmSize\":\"Standard_NC4as_T4_v3\"}";
    AsegpuCancelToken *tok = asegpu_cancel_token_new();
    asegpu_cancel_token_cancel(tok);
    EXPECT(ASEGPU_STATUS_CANCELLED, asegpu_vm_create(s, direct, "VmAdmin-Passw0rd", NULL, NULL, tok, &out, err), "cancelled create");
    asegpu_cancel_token_free(tok);
    EXPECT(ASEGPU_STATUS_NULL_ARGUMENT, asegpu_vm_create(s, direct, NULL, NULL, NULL, NULL, &out, err), "NULL admin password");
    EXPECT(ASEGPU_STATUS_INVALID_JSON, asegpu_vm_create(s, "{\"name\":", "pw", NULL, NULL, NULL, &out, err), "malformed request");
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_vm_create(s, "{\"name\":\"x\"}", "pw", NULL, NULL, NULL, &out, err), "missing fields");
    EXPECT(ASEGPU_STATUS_INVALID_UTF8, asegpu_vm_get(s, "crg", "bad\xff", NULL, &out, err), "invalid UTF-8");
    EXPECT(ASEGPU_STATUS_NULL_ARGUMENT, asegpu_gpu_availability(NULL, NULL, &out, err), "NULL session");
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_create(s, direct, "VmAdmin-Passw0rd", NULL, NULL, NULL, &out, err), "direct GPU VM");
    CHECK(contains(out, "\"powerState\":\"running\"") && contains(out, "\"privateIpAddresses\":[\""), "direct: %s", out);
    asegpu_string_free(out); out = NULL;
    /* The device is full now (2 GPUs): a third GPU VM is refused by the preflight, naming the cause. */
    AsegpuError *perr = NULL;
    AsegpuStatus st = asegpu_vm_create(s, "{\"resourceGroupName\":\"crg\",\"name\":\"cvm3\",\"image\":\"ubuntu1804\"}", "VmAdmin-Passw0rd", NULL, NULL, NULL, &out, &perr);
    CHECK(st == ASEGPU_STATUS_PREFLIGHT_FAILED, "third GPU VM: %s", asegpu_status_name(st));
    char *ej = asegpu_error_to_json(perr);
    CHECK(contains(ej, "InsufficientGpus") && contains(ej, "\"findings\""), "preflight details in the error: %s", ej);
    asegpu_string_free(ej);
    asegpu_error_free(perr);
    /* The extension is refused before sending on a CPU VM. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_create(s, "{\"resourceGroupName\":\"crg\",\"name\":\"cpu1\",\"image\":\"ubuntu1804\",\"vmSize\":\"Standard_D1_v2\"}", "VmAdmin-Passw0rd", NULL, NULL, NULL, &out, err), "CPU VM");
    asegpu_string_free(out); out = NULL;
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_gpu_extension_install(s, "{\"resourceGroupName\":\"crg\",\"vmName\":\"cpu1\"}", NULL, NULL, NULL, &out, err), "extension on CPU VM");

    /* Update helper. */
    char *record = NULL;
    EXPECT(ASEGPU_STATUS_OK, asegpu_update_suspend(s, NULL, NULL, NULL, &record, err), "suspend");
    CHECK(contains(record, "\"cvm1\"") && contains(record, "\"cvm2\"") && !contains(record, "cpu1"), "record: %s", record);
    EXPECT(ASEGPU_STATUS_OK, asegpu_update_resume(s, record, NULL, NULL, NULL, &out, err), "resume");
    CHECK(contains(out, "\"powerState\":\"running\""), "resumed: %s", out);
    asegpu_string_free(out); out = NULL;
    asegpu_string_free(record);
    EXPECT(ASEGPU_STATUS_INVALID_ARGUMENT, asegpu_update_resume(s, "{\"subscriptionId\":\"other\",\"stopped\":[]}", NULL, NULL, NULL, &out, err), "record of another device");

    /* Deep and huge inputs: files next to ASEGPU_TEST_NOT_VHD (the emulator's work folder). */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", not_vhd);
    char *slash = strrchr(dir, '/'), *bslash = strrchr(dir, '\\');
    if (bslash && (!slash || bslash > slash)) slash = bslash;
    if (slash) *slash = 0; else snprintf(dir, sizeof dir, ".");
    host_safety(s, dir);

    /* Delete. */
    EXPECT(ASEGPU_STATUS_OK, asegpu_vm_delete(s, "crg", "cvm2", NULL, NULL, NULL, err), "vm delete");
    EXPECT(ASEGPU_STATUS_NOT_FOUND, asegpu_vm_get(s, "crg", "cvm2", NULL, &out, err), "deleted");
    CHECK(events > 0, "progress events arrived");

    asegpu_session_free(s);
    asegpu_shutdown();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
