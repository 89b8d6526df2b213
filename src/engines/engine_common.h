/* engine_common.h: what the engines that run a vendor tool share (engine_primus.c runs ppin,
 * engine_jce.c runs Primus Tools). Private to src/engines: the front ends and the core never see it. */
#ifndef HSMO_ENGINE_COMMON_H
#define HSMO_ENGINE_COMMON_H

/* A tool's whole run: a login is a few round trips to the HSM; a tool that has not finished by then
 * hangs, and it must not hold the profile lock for ever. */
#define ENGINE_TOOL_TIMEOUT_MS 120000

#endif
