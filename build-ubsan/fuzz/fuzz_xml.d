build-ubsan/fuzz/fuzz_xml: tests/fuzz/replay.c
