/* test_clusters.c: the shipped cluster table holds the Securosys page's facts, and a broken table is
 * refused with FILE:LINE. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "clusters.h"

static const char *shipped(void)
{
	static char path[4096];
	const char *src = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/data/clusters.conf", src ? src : ".");
	return path;
}

static void assert_cluster(const struct cluster_table *t, const char *name, const char *master,
                           const char *const *clones, size_t n_clones, const char *rest)
{
	const struct cluster *c = clusters_find(t, name);
	assert_non_null(c);
	assert_string_equal(c->hosts[0], master);
	assert_int_equal(c->n_hosts, n_clones + 1);
	for (size_t i = 0; i < n_clones; i++)
		assert_string_equal(c->hosts[i + 1], clones[i]);
	assert_string_equal(c->rest, rest);
}

/* The facts of docs.securosys.com "CloudHSM Connectivity Details", one by one. */
static void test_shipped_table(void **state)
{
	(void)state;
	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(clusters_load(shipped(), &t, &d), EX_OK);
	assert_string_equal(t.as_of, "2025-03-06");
	assert_int_equal(t.n, 9);
	static const char *const ch02[] = {"ch02-api.cloudshsm.com"};
	static const char *const us02[] = {"us02-api.cloudshsm.com"};
	static const char *const ch01[] = {"ch01-api.cloudshsm.com"};
	static const char *const wr[] = {"ch01-api.cloudshsm.com", "us01-api.cloudshsm.com", "us02-api.cloudshsm.com",
	                                 "sg01-api.cloudshsm.com"};
	static const char *const sbx[] = {"ch02-api.cloudshsm.com", "us02-api.cloudshsm.com", "sg01-api.cloudshsm.com"};
	const char *rest = "https://rest-api.cloudshsm.com/v1";
	assert_cluster(&t, "ECO01", "ch01-api.cloudshsm.com", ch02, 1, rest);
	assert_cluster(&t, "ECO02", "ch01-api.cloudshsm.com", ch02, 1, rest);
	assert_cluster(&t, "CCM01", "ch01-api.cloudshsm.com", ch02, 1, rest);
	assert_cluster(&t, "CCMUS01", "us01-api.cloudshsm.com", us02, 1, rest);
	assert_cluster(&t, "ECOUS01", "us01-api.cloudshsm.com", us02, 1, rest);
	assert_cluster(&t, "ECOWR01", "de01-api.cloudshsm.com", wr, 4, rest);
	assert_cluster(&t, "ECODE01", "de01-api.cloudshsm.com", ch01, 1, rest);
	assert_cluster(&t, "ECOSG01", "sg01-api.cloudshsm.com", ch01, 1, rest);
	assert_cluster(&t, "SBX01", "ch01-api.cloudshsm.com", sbx, 3, "https://sbx-rest-api.cloudshsm.com/v1");
	assert_non_null(clusters_find(&t, "sbx01"));
	assert_null(clusters_find(&t, "PLA01"));
	assert_int_equal(clusters_table_port(&t, API_JCE), 2300);
	assert_int_equal(clusters_table_port(&t, API_PKCS11), 2310);
	assert_int_equal(clusters_table_port(&t, API_CNG), 2320);
	assert_int_equal(clusters_table_port(&t, API_REST), 443);
	/* An undecided profile is checked on the PKCS#11 port, by the CLI and the wizard alike. */
	assert_int_equal(clusters_table_port(&t, API_UNKNOWN), 2310);
	clusters_free(&t);
}

/* REST is probed on rest-api.cloudshsm.com (sbx-rest-api for SBX01), never on the chNN-api hosts. */
static void test_rest_host(void **state)
{
	(void)state;
	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(clusters_load(shipped(), &t, &d), EX_OK);
	char host[256];
	assert_int_equal(clusters_rest_host(clusters_find(&t, "SBX01"), host, sizeof host), 0);
	assert_string_equal(host, "sbx-rest-api.cloudshsm.com");
	assert_int_equal(clusters_rest_host(clusters_find(&t, "ECO01"), host, sizeof host), 0);
	assert_string_equal(host, "rest-api.cloudshsm.com");
	assert_int_equal(clusters_rest_host(NULL, host, sizeof host), -1);
	clusters_free(&t);
}

static void test_tier_warning(void **state)
{
	(void)state;
	assert_null(clusters_tier_warning(TIER_SBX, "SBX01"));
	assert_non_null(clusters_tier_warning(TIER_SBX, "ECO01"));
	assert_null(clusters_tier_warning(TIER_ECO_CC, "CCM01"));
	assert_null(clusters_tier_warning(TIER_ECO_CC, "ccmus01"));
	assert_non_null(clusters_tier_warning(TIER_ECO_CC, "ECO01"));
	assert_null(clusters_tier_warning(TIER_ECO, "ECO01"));
	assert_null(clusters_tier_warning(TIER_SBX, NULL));
}

static void test_default_path_override(void **state)
{
	(void)state;
	setenv("HSM_ONBOARD_DATADIR", "/some/where", 1);
	assert_string_equal(clusters_default_path(), "/some/where/clusters.conf");
	unsetenv("HSM_ONBOARD_DATADIR");
	assert_string_equal(clusters_default_path(), PKGDATADIR "/clusters.conf");
	assert_int_equal(clusters_api_port(API_PKCS11), 2310);
	assert_int_equal(clusters_api_port(API_UNKNOWN), 0);
}

static void expect_error(const char *text, const char *want)
{
	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(clusters_parse(text, strlen(text), "t.conf", &t, &d), EX_DATAERR);
	if (!strstr(d.msg, want))
		fail_msg("message '%s' lacks '%s'", d.msg, want);
	assert_int_equal(t.n, 0);
	assert_null(t.clusters);
}

#define HEAD "as_of = \"2025-03-06\";\n"
#define OK_CLUSTER "{ name = \"A1\"; description = \"d\"; master = \"a.example\"; rest = \"https://r.example/v1\"; }"

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error(HEAD "clusters = (\n" OK_CLUSTER ",\n{ name = \"B\" description }\n);\n", "t.conf:4:");
	expect_error("clusters = ( " OK_CLUSTER " );\n", "t.conf: 'as_of'");
	expect_error(HEAD, "'clusters' is missing");
	expect_error(HEAD "clusters = (\n{ name = \"A1\"; description = \"d\"; rest = \"https://r\"; }\n);\n",
	             "t.conf:3: the cluster has no 'master'");
	expect_error(HEAD "clusters = (\n{ name = \"A1\"; description = \"d\";\n master = \"a b\"; rest = \"https://r\"; }\n);\n",
	             "t.conf:4: 'a b' is not a host name");
	expect_error(HEAD "clusters = (\n{ name = \"A1\"; description = \"d\"; master = \"a\";\n rest = \"http://r\"; }\n);\n",
	             "t.conf:4: 'http://r' is not an https:// URL");
	expect_error(HEAD "clusters = (\n" OK_CLUSTER ",\n" OK_CLUSTER "\n);\n", "t.conf:4: cluster 'A1' is listed twice");
	expect_error(HEAD "ports = {\n pkcs11 = 70000;\n};\nclusters = ( " OK_CLUSTER " );\n",
	             "t.conf:3: the port of 'pkcs11'");
	expect_error(HEAD "clusters = (\n{ name = \"A1\"; description = \"d\"; master = \"a\"; rest = \"https://r\";\n"
	                  " clones = [ \"ok\", \"b;rm\" ]; }\n);\n",
	             "t.conf:4: 'b;rm' is not a host name");
	static const char nul[] = HEAD "clusters = ();\0 junk";
	struct cluster_table t;
	struct diag d;
	assert_int_equal(clusters_parse(nul, sizeof nul - 1, "t.conf", &t, &d), EX_DATAERR);
	assert_non_null(strstr(d.msg, "NUL"));
}

static void test_missing_file(void **state)
{
	(void)state;
	struct cluster_table t;
	struct diag d;
	diag_clear(&d);
	assert_int_equal(clusters_load("/nonexistent/clusters.conf", &t, &d), EX_NOINPUT);
	assert_non_null(strstr(d.msg, "/nonexistent/clusters.conf"));
}

static void test_minimal_table(void **state)
{
	(void)state;
	static const char text[] = HEAD "ports = { rest = 8443; };\nclusters = ( " OK_CLUSTER " );\n";
	struct cluster_table t;
	struct diag d;
	assert_int_equal(clusters_parse(text, sizeof text - 1, "t.conf", &t, &d), EX_OK);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.clusters[0].n_hosts, 1);
	assert_int_equal(clusters_table_port(&t, API_REST), 8443);
	assert_int_equal(clusters_table_port(&t, API_PKCS11), 2310);
	clusters_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_rest_host),
		cmocka_unit_test(test_tier_warning),
		cmocka_unit_test(test_default_path_override),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_minimal_table),
	};
	return cmocka_run_group_tests_name("clusters", tests, NULL, NULL);
}
