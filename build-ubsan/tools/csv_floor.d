build-ubsan/tools/csv_floor: tests/tools/csv_floor.c
