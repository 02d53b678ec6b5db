// membomb: allocates and touches 1 MiB blocks until malloc fails, then
// reports and exits 1 (the executor reports memory_limit).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Reading back every block keeps clang from removing the allocations.
static volatile unsigned char sink;

int main(void) {
  size_t total = 0;
  for (;;) {
    char *p = malloc(1 << 20);
    if (!p) {
      fprintf(stderr, "out of memory after %zu MiB\n", total >> 20);
      return 1;
    }
    memset(p, 1, 1 << 20);
    sink ^= p[(1 << 20) - 1];
    total += 1 << 20;
  }
}
