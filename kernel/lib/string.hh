#pragma once
#include <stddef.h>
extern "C" {
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
}
namespace kern {
// Copies at most n-1 bytes and always terminates.
void strlcpy(char *dst, const char *src, size_t n);
}
