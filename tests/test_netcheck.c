/* test_netcheck.c: the network core without a server: endpoint parsing, the versionInfo URL, the
 * categories of real loopback probes (ok, refused, timeout, dns) run concurrently and cancellable,
 * fetch's refusals that need no network, and watch step by step on a temp folder. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "netcheck.h"
#include "testutil.h"
#include "watch.h"

static void test_parse_endpoint(void **state)
{
	(void)state;
	char *host = NULL;
	int port = 0;
	struct diag d;
	assert_int_equal(netcheck_parse_endpoint("ch01-api.cloudshsm.com:2310", &host, &port, &d), EX_OK);
	assert_string_equal(host, "ch01-api.cloudshsm.com");
	assert_int_equal(port, 2310);
	free(host);
	assert_int_equal(netcheck_parse_endpoint("[::1]:443", &host, &port, &d), EX_OK);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 443);
	free(host);
	static const char *const bad[] = {"host", "host:", ":2310", "host:0", "host:65536", "host:23x",
	                                  "a:b:2310", "[::1]2310", "bad host:1", "h;rm:1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		diag_clear(&d);
		if (netcheck_parse_endpoint(bad[i], &host, &port, &d) != EX_USAGE)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(strstr(d.msg, bad[i]));
	}
}

static void test_version_url(void **state)
{
	(void)state;
	char buf[256];
	struct diag d;
	assert_int_equal(netcheck_version_url("https://a.cloudshsm.com", buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "https://a.cloudshsm.com/v1/versionInfo");
	assert_int_equal(netcheck_version_url("https://a.cloudshsm.com/", buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "https://a.cloudshsm.com/v1/versionInfo");
	assert_int_equal(netcheck_version_url("https://rest-api.cloudshsm.com/v1/", buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "https://rest-api.cloudshsm.com/v1/versionInfo");
	/* The base every target writes: the same form for each spelling of the connectivity page. */
	static const char *const spellings[] = {"https://rest-api.cloudshsm.com", "https://rest-api.cloudshsm.com/",
	                                        "https://rest-api.cloudshsm.com/v1", "https://rest-api.cloudshsm.com/v1/",
	                                        "https://rest-api.cloudshsm.com/v1//"};
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		assert_int_equal(netcheck_api_base(spellings[i], buf, sizeof buf, &d), EX_OK);
		assert_string_equal(buf, "https://rest-api.cloudshsm.com");
	}
	/* Userinfo, query and fragment may hold credentials: never stored, never printed. */
	assert_int_equal(netcheck_version_url("https://u:pw@a.cloudshsm.com:8443/api/?token=T#f", buf, sizeof buf, &d),
	                 EX_OK);
	assert_string_equal(buf, "https://a.cloudshsm.com:8443/api/v1/versionInfo");
	assert_int_equal(netcheck_version_url("https://a@b@c.example?x=1", buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "https://c.example/v1/versionInfo");
	assert_int_equal(netcheck_version_url("https://u:secret@", buf, sizeof buf, &d), EX_USAGE);
	assert_null(strstr(d.msg, "secret"));
	assert_int_equal(netcheck_version_url("http://a.cloudshsm.com", buf, sizeof buf, &d), EX_USAGE);
	assert_int_equal(netcheck_version_url("https://", buf, sizeof buf, &d), EX_USAGE);
	char small[16];
	assert_int_equal(netcheck_version_url("https://a.cloudshsm.com", small, sizeof small, &d), EX_USAGE);
}

static void test_names_and_hints(void **state)
{
	(void)state;
	static const char *const names[] = {"ok", "dns", "refused", "timeout", "tls", "auth", "http"};
	for (int c = 0; c < NETCHECK_CATEGORY_COUNT; c++) {
		assert_string_equal(netcheck_category_name((enum netcheck_category)c), names[c]);
		char hint[512];
		netcheck_hint((enum netcheck_category)c, 2310, hint, sizeof hint);
		assert_true(c == NETCHECK_OK ? hint[0] == '\0' : hint[0] != '\0');
	}
	char hint[512];
	netcheck_hint(NETCHECK_TIMEOUT, 2310, hint, sizeof hint);
	assert_non_null(strstr(hint, "IP allow-list (set through the Service Order Form or by support)"));
	assert_non_null(strstr(hint, "status.cloudshsm.com"));
	assert_non_null(strstr(hint, "port 2310"));
	/* TSB and REST are not behind the allow-list. */
	netcheck_hint(NETCHECK_TIMEOUT, 443, hint, sizeof hint);
	assert_null(strstr(hint, "allow-list"));
	assert_non_null(strstr(hint, "port 443"));
}

/* The hint follows the endpoint's authentication: a JWT, or mutual TLS with or without a certificate. */
static void test_result_hints(void **state)
{
	(void)state;
	char hint[512];
	struct netcheck_endpoint jwt = {.url = "https://x/v1/versionInfo", .bearer = "t"};
	struct netcheck_endpoint mtls = {.url = "https://x/v1/versionInfo", .cert = "c.pem", .key = "c.key"};
	struct netcheck_result r = {.category = NETCHECK_AUTH};
	netcheck_result_hint(&jwt, &r, hint, sizeof hint);
	assert_non_null(strstr(hint, "refused the JWT"));
	r.mtls = 1;
	netcheck_result_hint(&jwt, &r, hint, sizeof hint);
	assert_non_null(strstr(hint, "requires a client certificate (mutual TLS"));
	netcheck_result_hint(&mtls, &r, hint, sizeof hint);
	assert_non_null(strstr(hint, "refused the client certificate (mutual TLS)"));
	r.category = NETCHECK_TLS;
	netcheck_result_hint(&mtls, &r, hint, sizeof hint);
	assert_non_null(strstr(hint, "must not be encrypted"));
	r.mtls = 0;
	netcheck_result_hint(&mtls, &r, hint, sizeof hint);
	assert_non_null(strstr(hint, "--cacert"));
}

/* The client key is refused as ssh refuses a private key; the certificate only needs to be readable. */
static void test_client_key_check(void **state)
{
	(void)state;
	char key[512], dir[512];
	snprintf(key, sizeof key, "%s/client.key", testutil_dir);
	snprintf(dir, sizeof dir, "%s/sub", testutil_dir);
	struct diag d;
	diag_clear(&d);
	assert_int_equal(netcheck_client_key_check(key, &d), EX_NOINPUT);
	int fd = open(key, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "-----BEGIN PRIVATE KEY-----\n", 28), 28);
	close(fd);
	assert_int_equal(netcheck_client_key_check(key, &d), EX_OK);
	assert_int_equal(netcheck_client_cert_check(key, &d), EX_OK);
	static const mode_t open_modes[] = {0640, 0604, 0620, 0602, 0610, 0644};
	for (size_t i = 0; i < sizeof open_modes / sizeof open_modes[0]; i++) {
		assert_int_equal(chmod(key, open_modes[i]), 0);
		diag_clear(&d);
		assert_int_equal(netcheck_client_key_check(key, &d), EX_NOPERM);
		assert_non_null(strstr(d.msg, key));
		assert_non_null(strstr(d.msg, "chmod 600"));
		assert_null(strstr(d.msg, "BEGIN"));
	}
	assert_int_equal(chmod(key, 0400), 0);
	assert_int_equal(netcheck_client_key_check(key, &d), EX_OK);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(netcheck_client_key_check(dir, &d), EX_NOPERM);
	assert_int_equal(netcheck_client_cert_check(dir, &d), EX_NOINPUT);
}

/* A listener on 127.0.0.1; backlog 0 and filled makes further SYNs drop (connects time out). */
static int listener(int backlog, int *port, int *fillers, size_t n_fillers)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(s, backlog), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	for (size_t i = 0; i < n_fillers; i++) {
		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		connect(fillers[i], (struct sockaddr *)&a, sizeof a);
	}
	struct timespec settle = {0, 200 * 1000 * 1000};
	nanosleep(&settle, NULL);
	return s;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_probe_categories_concurrently(void **state)
{
	(void)state;
	int open_port, closed_port, full[5];
	int fill[5][8], fs[5];
	int open_s = listener(8, &open_port, NULL, 0);
	int closed_s = listener(1, &closed_port, NULL, 0);
	close(closed_s);
	for (int i = 0; i < 5; i++)
		fs[i] = listener(0, &full[i], fill[i], 8);
	const struct netcheck_endpoint e[] = {
		{.host = "127.0.0.1", .port = open_port},
		{.host = "127.0.0.1", .port = closed_port},
		{.host = "unit-test.invalid", .port = 2310},
		{.host = "127.0.0.1", .port = full[0]},
		{.host = "127.0.0.1", .port = full[1]},
		{.host = "127.0.0.1", .port = full[2]},
		{.host = "127.0.0.1", .port = full[3]},
		{.host = "127.0.0.1", .port = full[4]},
	};
	struct netcheck_result r[8];
	struct netcheck_opts o = {.timeout_ms = 700};
	struct diag d;
	long t0 = now_ms();
	assert_int_equal(netcheck_run(e, 8, &o, r, &d), EX_OK);
	long took = now_ms() - t0;
	assert_int_equal(r[0].category, NETCHECK_OK);
	assert_int_equal(r[1].category, NETCHECK_REFUSED);
	assert_int_equal(r[2].category, NETCHECK_DNS);
	assert_int_equal(r[3].category, NETCHECK_TIMEOUT);
	assert_int_equal(r[4].category, NETCHECK_TIMEOUT);
	for (int i = 3; i < 8; i++)
		assert_int_equal(r[i].category, NETCHECK_TIMEOUT);
	assert_false(netcheck_all_ok(r, 8));
	assert_true(netcheck_all_ok(r, 1));
	char label[64];
	snprintf(label, sizeof label, "127.0.0.1:%d", open_port);
	assert_string_equal(r[0].label, label);
	assert_true(r[3].latency_ms >= 600);
	/* Hang guard, not a benchmark: five 0.7 s timeouts run at once (one at a time: 3.5 s). */
	assert_true(took < 3 * 700);

	struct state st;
	state_init(&st);
	netcheck_store(&st, r, 6, 1234);
	assert_int_equal(st.n_checks, 6);
	assert_int_equal(st.checked_at, 1234);
	assert_string_equal(st.checks[1].category, "refused");
	assert_string_equal(st.checks[0].endpoint, label);
	/* The CLI's check and the wizard's preflight both record the check as an event. */
	assert_int_equal(st.n_events, 1);
	assert_string_equal(st.events[0].kind, "checked");
	assert_string_equal(st.events[0].detail, "1/6 ok");
	state_free(&st);

	close(open_s);
	for (int i = 0; i < 5; i++)
		close(fs[i]);
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 8; k++)
			close(fill[i][k]);
}

static int cancel_now(void *ctx)
{
	(*(int *)ctx)++;
	return 1;
}

static void test_probe_cancel(void **state)
{
	(void)state;
	int port, fill[8];
	int s = listener(0, &port, fill, 8);
	const struct netcheck_endpoint e = {.host = "127.0.0.1", .port = port};
	int calls = 0;
	struct netcheck_opts o = {.timeout_ms = 10000, .cancel = cancel_now, .cancel_ctx = &calls};
	struct netcheck_result r;
	struct diag d;
	long t0 = now_ms();
	assert_int_equal(netcheck_run(&e, 1, &o, &r, &d), EX_OK);
	assert_true(now_ms() - t0 < 5000);
	assert_true(calls >= 1);
	assert_int_equal(r.category, NETCHECK_TIMEOUT);
	assert_non_null(strstr(r.detail, "cancelled"));
	close(s);
	for (int k = 0; k < 8; k++)
		close(fill[k]);
}

static void test_fetch_names_and_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *url, *want;
	} names[] = {
	    {"https://h/x/ACME_eco_hsm_U_20261120.txt?token=abc#f", "ACME_eco_hsm_U_20261120.txt"},
	    {"https://h/", "download.txt"},
	    {"https://h", "download.txt"},
	    {"https://h/.hidden", "download.txt"},
	    {"https://h/a%2F..%2Fb", "download.txt"},
	    {"https://h/x.txt.part", "download.txt"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char name[256];
		fetch_file_name(names[i].url, name, sizeof name);
		assert_string_equal(name, names[i].want);
	}

	struct fetch_result r;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(fetch_url("http://127.0.0.1:1/a.txt?secret=1", "/nonexistent", NULL, &r, &d), EX_USAGE);
	assert_non_null(strstr(d.msg, "only https://"));
	assert_null(strstr(d.msg, "secret=1"));
	assert_null(r.path);
	assert_int_equal(fetch_url("ftp://127.0.0.1/a.txt", "/nonexistent", NULL, &r, &d), EX_USAGE);
}

static char tdir[256];

static void write_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_watch_stepwise(void **state)
{
	(void)state;
	snprintf(tdir, sizeof tdir, "%s/hsmo-watch.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tdir));
	struct watch *w;
	struct diag d;
	assert_int_equal(watch_open(tdir, &w, &d), EX_OK);
	assert_true(watch_fd(w) >= 0);
	assert_string_equal(watch_dir(w), tdir);
	char *path = NULL;
	assert_int_equal(watch_poll(w, 0, &path, &d), EX_OK);
	assert_null(path);

	/* Names that are not credential files, and a browser's temp file, are ignored. */
	write_file("notes.txt", "x");
	write_file("ACME_eco_hsm_U1_20261120.txt.crdownload", "x");
	assert_int_equal(watch_poll(w, 100, &path, &d), EX_OK);
	assert_null(path);

	/* Renamed into place: reported once, with the folder. */
	char from[512], to[512];
	snprintf(from, sizeof from, "%s/ACME_eco_hsm_U1_20261120.txt.crdownload", tdir);
	snprintf(to, sizeof to, "%s/ACME_eco_hsm_U1_20261120.txt", tdir);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(watch_poll(w, 2000, &path, &d), EX_OK);
	assert_non_null(path);
	assert_string_equal(path, to);
	free(path);

	/* A file held open for writing is not reported until it is closed. */
	char held[512];
	snprintf(held, sizeof held, "%s/ACME_eco_service_U1_20261120.txt", tdir);
	int fd = open(held, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "Service", 7), 7);
	assert_int_equal(watch_poll(w, 100, &path, &d), EX_OK);
	assert_null(path);
	close(fd);
	assert_int_equal(watch_poll(w, 2000, &path, &d), EX_OK);
	assert_non_null(path);
	assert_string_equal(path, held);
	free(path);

	/* Written again: not reported twice. */
	write_file("ACME_eco_service_U1_20261120.txt", "again");
	assert_int_equal(watch_poll(w, 100, &path, &d), EX_OK);
	assert_null(path);

	unlink(to);
	unlink(held);
	char other[512];
	snprintf(other, sizeof other, "%s/notes.txt", tdir);
	unlink(other);
	assert_int_equal(rmdir(tdir), 0);
	/* The folder vanished: an error, not a silent wait. */
	assert_int_equal(watch_poll(w, 2000, &path, &d), EX_NOINPUT);
	watch_close(w);
	assert_int_equal(watch_open(tdir, &w, &d), EX_NOINPUT);
}

static void test_watch_kinds_and_default_dir(void **state)
{
	(void)state;
	assert_false(watch_kinds_complete(0));
	assert_false(watch_kinds_complete(WATCH_KIND_BIT(CREDFILE_SERVICE)));
	assert_false(watch_kinds_complete(WATCH_KIND_BIT(CREDFILE_HSM)));
	assert_true(watch_kinds_complete(WATCH_KIND_BIT(CREDFILE_SERVICE) | WATCH_KIND_BIT(CREDFILE_HSM)));
	assert_true(watch_kinds_complete(WATCH_KIND_BIT(CREDFILE_COMBINED)));
	assert_true(watch_kinds_complete(WATCH_KIND_BIT(CREDFILE_JWT)));

	char home[256], conf[512], buf[512];
	snprintf(home, sizeof home, "%s/hsmo-home.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	struct diag d;
	assert_int_equal(watch_default_dir(buf, sizeof buf, &d), EX_OK);
	snprintf(conf, sizeof conf, "%s/Downloads", home);
	assert_string_equal(buf, conf);

	snprintf(conf, sizeof conf, "%s/user-dirs.dirs", home);
	FILE *f = fopen(conf, "w");
	fputs("# comment\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n", f);
	fclose(f);
	assert_int_equal(watch_default_dir(buf, sizeof buf, &d), EX_OK);
	char want[512];
	snprintf(want, sizeof want, "%s/Téléchargements", home);
	assert_string_equal(buf, want);

	f = fopen(conf, "w");
	fputs("XDG_DOWNLOAD_DIR=\"/srv/dl\"\n", f);
	fclose(f);
	assert_int_equal(watch_default_dir(buf, sizeof buf, &d), EX_OK);
	assert_string_equal(buf, "/srv/dl");

	/* "$HOME/" means disabled in xdg-user-dirs: fall back to ~/Downloads. */
	f = fopen(conf, "w");
	fputs("XDG_DOWNLOAD_DIR=\"$HOME/\"\n", f);
	fclose(f);
	assert_int_equal(watch_default_dir(buf, sizeof buf, &d), EX_OK);
	snprintf(want, sizeof want, "%s/Downloads", home);
	assert_string_equal(buf, want);
	unlink(conf);
	rmdir(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_endpoint),
		cmocka_unit_test(test_version_url),
		cmocka_unit_test(test_names_and_hints),
		cmocka_unit_test(test_result_hints),
		cmocka_unit_test_setup_teardown(test_client_key_check, testutil_setup, testutil_teardown),
		cmocka_unit_test(test_probe_categories_concurrently),
		cmocka_unit_test(test_probe_cancel),
		cmocka_unit_test(test_fetch_names_and_refusals),
		cmocka_unit_test(test_watch_stepwise),
		cmocka_unit_test(test_watch_kinds_and_default_dir),
	};
	return cmocka_run_group_tests_name("network", tests, NULL, NULL);
}
