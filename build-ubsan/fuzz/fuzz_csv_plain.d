build-ubsan/fuzz/fuzz_csv_plain: tests/fuzz/replay.c
