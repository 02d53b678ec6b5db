// flood: writes to stdout forever.
#include <stdio.h>

int main(void) {
  for (unsigned long i = 0;; i++) printf("line %lu: all work and no play makes a dull guest\n", i);
}
