// hello: prints its arguments and environment, echoes stdin, and writes a
// file when asked. Usage: hello [--write PATH TEXT] [--exit N] [ARGS...]
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  int code = 0;
  printf("hello from wasm\n");
  for (int i = 0; i < argc; i++) printf("arg[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--write") == 0 && i + 2 < argc) {
      FILE *f = fopen(argv[i + 1], "w");
      if (!f) { perror("fopen"); return 2; }
      fputs(argv[i + 2], f);
      fclose(f);
      i += 2;
    } else if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc) {
      code = atoi(argv[i + 1]);
      i += 1;
    } else if (strcmp(argv[i], "--stdin") == 0) {
      char buf[4096];
      size_t n, total = 0;
      while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        fwrite(buf, 1, n, stdout);
        total += n;
      }
      printf("stdin bytes: %zu\n", total);
    } else if (strcmp(argv[i], "--stderr") == 0) {
      fprintf(stderr, "to stderr\n");
    }
  }
  return code;
}
