/* test_orders.c: the order channels: stable names, a summary and a fact for each, which channels a
 * credential file kind may come through, and the channel of each service type. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "orders.h"

static void test_names_and_texts(void **state)
{
	(void)state;
	static const char *const names[] = {"sales", "online", "tsbaas-multi", "tsbaas-dedicated", "byok"};
	for (int c = 0; c < ORDERS_CHANNEL_COUNT; c++) {
		assert_string_equal(orders_channel_name((enum orders_channel)c), names[c]);
		assert_true(orders_channel_summary((enum orders_channel)c)[0] != '\0');
		assert_true(orders_channel_fact((enum orders_channel)c)[0] != '\0');
	}
	assert_string_equal(orders_channel_name(ORDERS_CHANNEL_COUNT), "unknown");
	assert_string_equal(orders_channel_fact(ORDERS_CHANNEL_COUNT), "");
	/* doc/securosys-facts.md, section "Order channels and tiers". */
	const char *online = orders_channel_fact(ORDERS_ONLINE);
	assert_non_null(strstr(online, "Cloud Console (MyServices, Download)"));
	assert_non_null(strstr(online, "6-character PIN"));
	assert_non_null(strstr(online, "not through SecureSafe"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_TSBAAS_DEDICATED), "mutual TLS"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_TSBAAS_DEDICATED), "not by a JWT"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_TSBAAS_MULTI), "JWT file"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_BYOK), "ECO partition"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_BYOK), "JCE provider only"));
	assert_non_null(strstr(orders_channel_fact(ORDERS_SALES), "SecureSafe"));
}

static void test_channels_of_kind(void **state)
{
	(void)state;
	static const struct {
		enum credfile_kind kind;
		size_t n;
		enum orders_channel first, last;
	} rows[] = {
	    {CREDFILE_SERVICE, 3, ORDERS_SALES, ORDERS_BYOK},
	    {CREDFILE_HSM, 3, ORDERS_SALES, ORDERS_BYOK},
	    {CREDFILE_COMBINED, 1, ORDERS_ONLINE, ORDERS_ONLINE},
	    {CREDFILE_JWT, 1, ORDERS_TSBAAS_MULTI, ORDERS_TSBAAS_MULTI},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		enum orders_channel out[ORDERS_CHANNEL_COUNT];
		assert_int_equal(orders_channels_of_kind(rows[i].kind, out), rows[i].n);
		assert_int_equal(out[0], rows[i].first);
		assert_int_equal(out[rows[i].n - 1], rows[i].last);
	}
	enum orders_channel out[ORDERS_CHANNEL_COUNT];
	assert_int_equal(orders_channels_of_kind(CREDFILE_HSM, out), 3);
	assert_int_equal(out[1], ORDERS_TSBAAS_DEDICATED);
	assert_int_equal(orders_channels_of_kind(CREDFILE_UNKNOWN, out), 0);
}

static void test_channel_of_service_type(void **state)
{
	(void)state;
	assert_int_equal(orders_channel_of_service_type(SERVICE_TYPE_STANDARD), ORDERS_SALES);
	assert_int_equal(orders_channel_of_service_type(SERVICE_TYPE_UNKNOWN), ORDERS_SALES);
	assert_int_equal(orders_channel_of_service_type(SERVICE_TYPE_TSBAAS_MULTI), ORDERS_TSBAAS_MULTI);
	assert_int_equal(orders_channel_of_service_type(SERVICE_TYPE_TSBAAS_DEDICATED), ORDERS_TSBAAS_DEDICATED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_and_texts),
	    cmocka_unit_test(test_channels_of_kind),
	    cmocka_unit_test(test_channel_of_service_type),
	};
	return cmocka_run_group_tests_name("orders", tests, NULL, NULL);
}
