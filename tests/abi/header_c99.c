/* abi.h compiles alone as C99 -pedantic, and its layout is the frozen one. */
#include "layout.h"
#include <cartera/abi.h>
int cartera_header_c99_compiles(void) {
  return CARTERA_ABI_MAJOR;
}
