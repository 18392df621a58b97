/* The frozen 1.0 header has the 1.0 layout (it is what old modules were built with). */
#include "layout.h"
int cartera_header_frozen_compiles(void) {
  return CARTERA_ABI_MINOR;
}
