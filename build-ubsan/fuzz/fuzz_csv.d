build-ubsan/fuzz/fuzz_csv: tests/fuzz/replay.c
