build-ubsan/tools/gen_visits: tests/tools/gen_visits.c
