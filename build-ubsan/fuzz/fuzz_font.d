build-ubsan/fuzz/fuzz_font: tests/fuzz/replay.c
