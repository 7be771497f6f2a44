/* csv_floor FILE: parses FILE with libcsv and does nothing else — the floor
 * that `make bench` compares minqing validate with. Prints records and
 * fields counted. */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static long long fields, records;
static void on_field(void *s, size_t n, void *ctx) { (void)s; (void)n; (void)ctx; fields++; }
static void on_row(int c, void *ctx) { (void)c; (void)ctx; records++; }

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: csv_floor FILE\n");
		return 2;
	}
	FILE *fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 3;
	}
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI))
		return 3;
	static char buf[1 << 20];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, NULL) != n)
			fprintf(stderr, "parse error: %s\n", csv_strerror(csv_error(&p)));
	csv_fini(&p, on_field, on_row, NULL);
	csv_free(&p);
	fclose(fp);
	printf("%lld records, %lld fields\n", records, fields);
	return 0;
}
